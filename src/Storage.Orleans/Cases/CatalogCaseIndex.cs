using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Storage.Catalog;

namespace Telemed.Storage.Orleans.Cases;

/// <summary>
/// The case grain's <see cref="ICaseIndex"/> over the catalog's <c>case_records</c>: one upsert per change that only
/// takes an entry newer (by revision) than the stored row, so repeated and late writes cannot move a row backwards.
/// </summary>
public sealed class CatalogCaseIndex(Func<CatalogDbContext> openCatalog) : ICaseIndex
{
    private static readonly string[] OpenStatuses =
        [nameof(CaseStatus.Assigned), nameof(CaseStatus.InProgress), nameof(CaseStatus.Preliminary)];

    private const string LastReaderSql =
        "SELECT \"AssignedReaderId\" FROM case_records WHERE \"PatientId\" = @p0 AND \"RoutedCommunityId\" = @p1 AND \"Specialty\" = @p2 " +
        "AND \"AssignedReaderId\" IS NOT NULL ORDER BY \"OpenedAt\" DESC, \"AssignedAt\" DESC LIMIT 1";

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

    public async Task<bool> WriteWithStateAsync(CaseIndexEntry entry, Func<Task> writeState)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(writeState);
        if (writer.GroupCommit is not null)
        {
            object?[] values = CaseRecordUpsert.Values(entry, sqlite: true);
            var companion = new StateCompanion(b => b.Execute(CaseRecordUpsert.Sql, values));
            using (StateCompanion.Attach(companion))
            {
                await writeState().ConfigureAwait(false);
            }

            if (companion.Taken)
            {
                return true;
            }
        }
        else
        {
            await writeState().ConfigureAwait(false);
        }

        try
        {
            await WriteAsync(entry).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<CaseIndexEntry>> OpenCasesOfReaderAsync(string readerId)
    {
        await using CatalogDbContext catalog = openCatalog();
        List<CaseRecord> rows = await catalog.CaseRecords.AsNoTracking()
            .Where(r => r.AssignedReaderId == readerId && OpenStatuses.Contains(r.Status))
            .ToListAsync().ConfigureAwait(false);
        return [.. rows.Select(Entry)];
    }

    public async Task<IReadOnlyList<CaseIndexEntry>> OpenCasesOfPoolAsync(string routedCommunityId, Specialty specialty)
    {
        string name = specialty.ToString();
        await using CatalogDbContext catalog = openCatalog();
        List<CaseRecord> rows = await catalog.CaseRecords.AsNoTracking()
            .Where(r => r.RoutedCommunityId == routedCommunityId && OpenStatuses.Contains(r.Status) && r.Specialty == name && r.AssignedReaderId != null)
            .ToListAsync().ConfigureAwait(false);
        return [.. rows.Select(Entry)];
    }

    public async Task<IReadOnlyList<CaseIndexEntry>> DeadlineCasesOfPoolAsync(string routedCommunityId, Specialty specialty, DateTimeOffset now)
    {
        string name = specialty.ToString();
        long at = now.ToUnixTimeMilliseconds();
        await using CatalogDbContext catalog = openCatalog();
        // Plain SQL: the three-quarter mark (SlaDueAt - (SlaDueAt - OpenedAt) / 4 <= now, times 4) is arithmetic on
        // converted columns, which LINQ does not translate. Through the (RoutedCommunityId, Status) index.
        List<CaseRecord> rows = await catalog.CaseRecords.FromSql($$"""
            SELECT * FROM case_records
            WHERE "RoutedCommunityId" = {{routedCommunityId}} AND "Specialty" = {{name}}
              AND "Status" IN ('New', 'Assigned', 'InProgress', 'Preliminary')
              AND ("Status" = 'New' OR "AcceptDueAt" <= {{at}}
                OR (NOT "SlaBreached" AND ("SlaDueAt" <= {{at}} OR (NOT "SlaWarned" AND 3 * "SlaDueAt" + "OpenedAt" <= 4 * {{at}}))))
            """).AsNoTracking().ToListAsync().ConfigureAwait(false);
        return [.. rows.Select(Entry)];
    }

    public async Task<IReadOnlyDictionary<string, string>> LastReadersAsync(string routedCommunityId, Specialty specialty, IReadOnlyCollection<string> patientIds)
    {
        ArgumentNullException.ThrowIfNull(patientIds);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (patientIds.Count == 0)
        {
            return found;
        }

        string name = specialty.ToString();
        if (writer.GroupCommit is { } group)
        {
            // SQLite: one prepared statement per patient on one pooled connection (EF Core's IN-list query through
            // json_each cost ≈ 5 % of the case workflow's CPU, run once per dispatch batch).
            using Microsoft.Data.Sqlite.SqliteConnection connection = group.OpenReader();
            using Microsoft.Data.Sqlite.SqliteCommand command = connection.CreateCommand();
            command.CommandText = LastReaderSql;
            Microsoft.Data.Sqlite.SqliteParameter patient = command.Parameters.Add("@p0", Microsoft.Data.Sqlite.SqliteType.Text);
            command.Parameters.AddWithValue("@p1", routedCommunityId);
            command.Parameters.AddWithValue("@p2", name);
            command.Prepare();
            foreach (string id in patientIds)
            {
                patient.Value = id;
                if (command.ExecuteScalar() is string reader)
                {
                    found[id] = reader;
                }
            }

            return found;
        }

        await using CatalogDbContext catalog = openCatalog();
        // Through the PatientId index; a patient has few cases, so the ordering is done here.
        var rows = await catalog.CaseRecords.AsNoTracking()
            .Where(r => r.PatientId != null && patientIds.Contains(r.PatientId) && r.AssignedReaderId != null
                && r.RoutedCommunityId == routedCommunityId && r.Specialty == name)
            .Select(r => new { r.PatientId, r.AssignedReaderId, r.OpenedAt, r.AssignedAt })
            .ToListAsync().ConfigureAwait(false);
        foreach (var row in rows.OrderBy(r => r.OpenedAt).ThenBy(r => r.AssignedAt))
        {
            found[row.PatientId!] = row.AssignedReaderId!;
        }

        return found;
    }

    private static CaseIndexEntry Entry(CaseRecord r) => new(
        r.CaseId, r.CommunityId, r.RoutedCommunityId, r.RequestingInstitutionId, r.RequestedBy,
        Enum.Parse<CaseKind>(r.Kind), Enum.Parse<CasePriority>(r.Priority), Enum.Parse<Specialty>(r.Specialty),
        Enum.Parse<CaseStatus>(r.Status), r.PatientId, r.AssignedReaderId, r.ClinicalQuestion, r.OpenedAt, r.AssignedAt,
        r.AcceptedAt, r.SignedAt, r.ClosedAt, r.SlaDueAt, r.SlaBreached, r.UpdatedAt, r.Revision, r.AcceptDueAt, r.SlaWarned);
}
