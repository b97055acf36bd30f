# syntax=docker/dockerfile:1

# ---- build ----------------------------------------------------------------------------------
FROM rust:1-bookworm AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Dependencies first, in their own layer: rebuilt only when Cargo.toml or Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && cargo build --release --locked --bin parlor \
    && rm -rf src

# The application. Templates, static files, migrations and the widget are compiled into the
# binary, so they must be here at build time; .dockerignore keeps target/, data/ and .git/ out.
COPY . .
# COPY keeps the files' own times, which may be older than the placeholder build above.
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked --bin parlor

# ---- run ------------------------------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 parlor \
    && useradd --system --uid 10001 --gid parlor --home-dir /app --no-create-home --shell /usr/sbin/nologin parlor
WORKDIR /app
RUN mkdir -p /app/data && chown parlor:parlor /app/data
COPY --from=builder /src/target/release/parlor /usr/local/bin/parlor

ENV PARLOR_ADDR=0.0.0.0:8080 \
    DATA_DIR=/app/data
EXPOSE 8080
USER parlor
ENTRYPOINT ["/usr/local/bin/parlor"]
CMD ["serve"]
