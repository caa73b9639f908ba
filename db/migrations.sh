#!/usr/bin/env bash
# Adds a migration NAME to all three provider sets in lock-step and regenerates the idempotent SQL scripts.
#   db/migrations.sh add NAME     add migration NAME for Sqlite, SqlServer and PostgreSql, then refresh scripts
#   db/migrations.sh scripts      only regenerate db/sqlserver.sql and db/postgresql.sql
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build Portal/Portal.csproj -v q -nologo >/dev/null

declare -A CONN=(
  [Sqlite]="Data Source=design-time.db"
  [SqlServer]="Server=localhost;Database=Portal;Trusted_Connection=True;TrustServerCertificate=True"
  [PostgreSql]="Host=localhost;Database=portal;Username=portal"
)
ef() { # provider, args...
  local p=$1; shift
  dotnet ef "$@" --project Portal --no-build --context "${p}PortalDbContext" -- \
    --Database:Provider="$p" --Database:MigrateOnStartup=false "--ConnectionStrings:Portal=${CONN[$p]}"
}

if [[ "${1:-}" == "add" ]]; then
  name=${2:?usage: db/migrations.sh add NAME}
  for p in Sqlite SqlServer PostgreSql; do
    ef "$p" migrations add "$name" --output-dir "Infrastructure/Persistence/Migrations/$p" --namespace "Portal.Infrastructure.Persistence.Migrations.$p"
  done
  # dotnet-ef writes a NEW model snapshot relative to the working directory (Portal/Portal/…); move it home.
  if [ -d Portal/Portal ]; then
    for p in Sqlite SqlServer PostgreSql; do
      src="Portal/Portal/Infrastructure/Persistence/Migrations/$p"
      [ -d "$src" ] && mv "$src"/*.cs "Portal/Infrastructure/Persistence/Migrations/$p/"
    done
    rm -rf Portal/Portal
  fi
  dotnet build Portal/Portal.csproj -v q -nologo >/dev/null
fi
ef SqlServer migrations script --idempotent --output db/sqlserver.sql
ef PostgreSql migrations script --idempotent --output db/postgresql.sql
rm -f Portal/design-time.db
echo "migrations and db/*.sql are up to date"
