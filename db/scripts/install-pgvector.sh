#!/usr/bin/env bash
# Installs the pgvector extension into the local PostgreSQL from Debian's own source package
# (pgvector is not packaged for Debian bookworm). Idempotent: exits at once when
# `vector` is already available to the server.
#
# Environment:
#   PGHOST (default 127.0.0.1), PGPORT (5432), PGUSER (postgres), PGDATABASE (postgres)
#   PGVECTOR_SUITE  Debian suite whose source package is used (default trixie)
set -euo pipefail

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-postgres}
suite=${PGVECTOR_SUITE:-trixie}

available() {
  [ "$(psql -XAtqc "select count(*) from pg_available_extensions where name = 'vector'" 2>/dev/null)" = "1" ]
}

if available; then
  echo "pgvector: already available"
  exit 0
fi

if ! command -v pg_config >/dev/null || [ ! -d /usr/lib/postgresql ]; then
  echo "pgvector: no local PostgreSQL installation found (pg_config missing)" >&2
  exit 1
fi
major=$(psql -XAtqc 'show server_version_num' | cut -c1-2)
if [ -z "$major" ]; then
  echo "pgvector: cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER; start it first" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "pgvector: installing needs root (apt-get, make install); run this script as root" >&2
  exit 1
fi

echo "pgvector: building for PostgreSQL $major from Debian $suite's source package"
src_list=/etc/apt/sources.list.d/casebook-pgvector-src.sources
if [ ! -f "$src_list" ]; then
  cat > "$src_list" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "postgresql-server-dev-$major" make gcc dpkg-dev >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source --download-only -qq pgvector && dpkg-source -x --no-check ./*.dsc src >/dev/null)
make -s -C "$work/src" PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" >/dev/null
make -s -C "$work/src" PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" install >/dev/null

if available; then
  echo "pgvector: installed"
else
  echo "pgvector: built and installed, but PostgreSQL still does not list the extension" >&2
  exit 1
fi
