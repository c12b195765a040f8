#!/bin/sh
# The role the service connects as: it owns the application's database (so the migrations
# create and alter its tables) and is not a superuser, so a flaw in the service cannot read
# other databases, create roles or run programs on the server. PostgreSQL's image runs this
# once, as the superuser, when the data volume is first made (see compose.yaml).
set -eu
psql --set ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set role="$APP_DB_USER" --set password="$APP_DB_PASSWORD" --set database="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
ALTER DATABASE :"database" OWNER TO :"role";
-- Since PostgreSQL 15 the public schema belongs to the database's owner, so the role may
-- create tables there; on older servers it is granted here.
GRANT CREATE ON SCHEMA public TO :"role";
SQL
