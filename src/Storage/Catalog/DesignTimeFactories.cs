using Microsoft.EntityFrameworkCore.Design;

namespace Telemed.Storage.Catalog;

// `dotnet ef migrations add <Name> --context SqliteCatalogDbContext --output-dir Catalog/Migrations/Sqlite` (and the
// Postgres one) build the model through these; no database is opened.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCatalogDbContext>
{
    public SqliteCatalogDbContext CreateDbContext(string[] args) => CatalogDatabase.OpenSqlite(Path.Combine(Path.GetTempPath(), "telemed-design.db"));
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCatalogDbContext>
{
    public PostgresCatalogDbContext CreateDbContext(string[] args) => CatalogDatabase.OpenPostgres("Host=localhost;Database=telemed_design");
}
