# shellcheck shell=bash
# Postgres helpers shared by scripts/test, scripts/print-schema and .ci/run. Source it; needs
# pg_isready and psql (Debian: postgresql-client).

# pg_url_with_database URL NAME: URL with its database replaced by NAME (query string kept).
pg_url_with_database() {
    local url=$1 name=$2 query="" rest authority
    if [[ $url != *://* ]]; then
        echo "error: expected a postgres://user[:password]@host[:port]/database URL, got something else" >&2
        return 1
    fi
    if [[ $url == *\?* ]]; then
        query="?${url#*\?}"
        url=${url%%\?*}
    fi
    rest=${url#*://}
    authority=${rest%%/*}
    printf '%s://%s/%s%s\n' "${url%%://*}" "$authority" "$name" "$query"
}

# _pg_wait URL SECONDS: true once the server of URL accepts connections, polling once a second.
_pg_wait() {
    local url=$1 seconds=$2 i
    for ((i = 0; i < seconds; i++)); do
        pg_isready -q -t 1 -d "$url" && return 0
        sleep 1
    done
    pg_isready -q -t 1 -d "$url"
}

# ensure_postgres [URL]: makes sure a Postgres server answers, and sets PARLOR_PG_ADMIN_URL to
# its `postgres` maintenance database (where scratch databases are created and dropped).
#   - URL given, or else DATABASE_URL set: that server must answer.
#   - neither: 127.0.0.1:5432 as user postgres; if it does not answer and a Debian cluster is
#     installed, it is started with pg_ctlcluster and given 20 s to come up.
ensure_postgres() {
    local url=${1:-${DATABASE_URL:-}} version
    if ! command -v pg_isready >/dev/null || ! command -v psql >/dev/null; then
        echo "error: pg_isready and psql are needed (Debian: apt-get install postgresql-client)" >&2
        return 1
    fi
    if [[ -n $url ]]; then
        PARLOR_PG_ADMIN_URL=$(pg_url_with_database "$url" postgres) || return 1
        if ! _pg_wait "$url" 5; then
            echo "error: no Postgres answers at the server of the given database URL (checked with pg_isready)" >&2
            return 1
        fi
        return 0
    fi
    PARLOR_PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres
    if pg_isready -q -t 2 -h 127.0.0.1 -p 5432; then
        return 0
    fi
    if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
        version=$(ls /etc/postgresql | head -1)
        if [[ -n $version ]]; then
            echo "==> starting the local Postgres cluster $version/main"
            if pg_ctlcluster --skip-systemctl-redirect "$version" main start &&
                _pg_wait "$PARLOR_PG_ADMIN_URL" 20; then
                return 0
            fi
        fi
    fi
    echo "error: no Postgres is answering at 127.0.0.1:5432 and none could be started." >&2
    echo "       Start one (user postgres, no password, allowed to create databases)," >&2
    echo "       or set DATABASE_URL=postgres://user:password@host:port/database to use another server." >&2
    return 1
}

# pg_create_database NAME: creates NAME on the server of PARLOR_PG_ADMIN_URL (dropping a leftover).
pg_create_database() {
    pg_drop_database "$1"
    psql "$PARLOR_PG_ADMIN_URL" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$1\"" >/dev/null
}

# pg_drop_database NAME: drops NAME if it exists, disconnecting its sessions (FORCE needs PG 13+).
pg_drop_database() {
    psql "$PARLOR_PG_ADMIN_URL" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 ||
        psql "$PARLOR_PG_ADMIN_URL" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$1\"" >/dev/null
}
