# shellcheck shell=bash
# src/db/schema.rs from the migrations, shared by scripts/print-schema and .ci/run. Source it from
# the repository root; needs diesel (CLI, postgres feature), rustfmt, and scripts/lib/postgres.sh.

# shellcheck source=scripts/lib/postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"

# schema_from_migrations OUT [DBNAME]: applies migrations/ to a scratch database and writes what
# `diesel print-schema` makes of it to OUT (OUT is left alone on failure). The scratch database
# is always dropped. Runs in a subshell so that its trap and temporary files stay its own; every
# step is checked explicitly, so it also works where `set -e` is ignored (`if`, `||`).
schema_from_migrations() (
    out=$1
    db=${2:-parlor_schema_$$}
    [[ -n ${PARLOR_PG_ADMIN_URL:-} ]] || ensure_postgres || exit 1
    url=$(pg_url_with_database "$PARLOR_PG_ADMIN_URL" "$db") || exit 1
    tmp=$(mktemp -d) || exit 1
    created=false
    cleanup() {
        if $created; then
            pg_drop_database "$db" || echo "warning: could not drop the scratch database $db" >&2
        fi
        rm -rf "$tmp"
    }
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    created=true
    pg_create_database "$db" || {
        echo "error: cannot create the scratch database $db" >&2
        exit 1
    }
    # A config without [print_schema], so that `migration run` does not rewrite src/db/schema.rs.
    printf '[migrations_directory]\ndir = "%s"\n' "$PWD/migrations" >"$tmp/diesel.toml" || exit 1
    diesel migration run --database-url "$url" --config-file "$tmp/diesel.toml" --migration-dir migrations >&2 || {
        echo "error: the migrations do not apply to an empty database" >&2
        exit 1
    }
    # The project's diesel.toml, for its print_schema options; print-schema writes to stdout.
    diesel print-schema --database-url "$url" --config-file diesel.toml >"$tmp/schema.rs" || {
        echo "error: diesel print-schema failed" >&2
        exit 1
    }
    mv "$tmp/schema.rs" "$out" || exit 1
)

# rustfmt_stdout FILE: FILE formatted with the project's rustfmt settings, on stdout.
rustfmt_stdout() {
    rustfmt --edition 2024 --emit stdout <"$1"
}

# check_schema: fails unless src/db/schema.rs is what the migrations produce (both sides are run
# through rustfmt, so only a real difference counts).
check_schema() {
    local generated status=0
    generated=$(mktemp)
    schema_from_migrations "$generated" "parlor_schema_check_$$" || {
        rm -f "$generated"
        return 1
    }
    diff -u --label src/db/schema.rs --label "schema printed from migrations/" \
        <(rustfmt_stdout src/db/schema.rs) <(rustfmt_stdout "$generated") || status=$?
    rm -f "$generated"
    if ((status != 0)); then
        echo "error: src/db/schema.rs does not match the migrations: run scripts/print-schema" >&2
        return 1
    fi
    echo "src/db/schema.rs matches the migrations"
}
