using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Telemed.Grains.Cases;
using Telemed.Storage.Catalog;

namespace Telemed.Storage.Orleans.Cases;

/// <summary>
/// The case grain's <see cref="ICaseIndex"/> over the catalog's <c>case_records</c>: one upsert per change that only
/// takes an entry newer (by revision) than the stored row, so repeated and late writes cannot move a row backwards.
/// </summary>
public sealed class CatalogCaseIndex(Func<CatalogDbContext> openCatalog) : ICaseIndex
{
    private readonly CatalogWriter writer = new(openCatalog);

    public async Task WriteAsync(CaseIndexEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (writer.GroupCommit is { } group)
        {
            // SQLite: in the same group commit as the case's state write queued just before it.
            await group.WriteAsync(b => b.Execute(CaseRecordUpsert.Sql, CaseRecordUpsert.Values(entry, sqlite: true))).ConfigureAwait(false);
            return;
        }

        await using CatalogDbContext catalog = openCatalog();
        DbConnection connection = catalog.Database.GetDbConnection();
        await catalog.Database.OpenConnectionAsync().ConfigureAwait(false);
        using (await CatalogWriteGate.EnterAsync(catalog).ConfigureAwait(false))
        {
            DbCommand command = CaseRecordUpsert.Command(connection, entry, sqlite: catalog is SqliteCatalogDbContext);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
    }
}
