using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Telemed.Storage.Catalog;

namespace Telemed.Storage.Orleans.Reminders;

/// <summary>
/// Orleans' reminder table in the catalog's <c>reminders</c> table, so SLA and accept-timeout timers survive a
/// restart and, on PostgreSQL, a silo's death. Rows are scoped by service id, so two deployments may share a database.
/// </summary>
public sealed class CatalogReminderTable(Func<CatalogDbContext> openCatalog, IOptions<ClusterOptions> cluster) : IReminderTable
{
    // Insert at version 1 or bump the version; the new version is the ETag.
    private const string UpsertSql =
        "INSERT INTO reminders (\"ServiceId\", \"GrainId\", \"ReminderName\", \"GrainHash\", \"StartAtUtc\", \"PeriodTicks\", \"Version\") " +
        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, 1) ON CONFLICT (\"ServiceId\", \"GrainId\", \"ReminderName\") DO UPDATE SET " +
        "\"GrainHash\" = excluded.\"GrainHash\", \"StartAtUtc\" = excluded.\"StartAtUtc\", \"PeriodTicks\" = excluded.\"PeriodTicks\", " +
        "\"Version\" = reminders.\"Version\" + 1 RETURNING \"Version\"";

    private const string RemoveSql =
        "DELETE FROM reminders WHERE \"ServiceId\" = @p0 AND \"GrainId\" = @p1 AND \"ReminderName\" = @p2 AND \"Version\" = @p3";

    private readonly string serviceId = cluster.Value.ServiceId;
    private readonly CatalogWriter writer = new(openCatalog);

    public async Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        string id = grainId.ToString();
        await using CatalogDbContext catalog = openCatalog();
        List<ReminderRecord> rows = await catalog.Reminders.AsNoTracking()
            .Where(r => r.ServiceId == serviceId && r.GrainId == id).ToListAsync().ConfigureAwait(false);
        return new ReminderTableData(rows.Select(Entry));
    }

    public async Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        long low = begin;
        long high = end;
        await using CatalogDbContext catalog = openCatalog();
        IQueryable<ReminderRecord> mine = catalog.Reminders.AsNoTracking().Where(r => r.ServiceId == serviceId);
        // The range (begin, end] wraps around the ring when begin >= end.
        mine = begin < end
            ? mine.Where(r => r.GrainHash > low && r.GrainHash <= high)
            : mine.Where(r => r.GrainHash > low || r.GrainHash <= high);
        List<ReminderRecord> rows = await mine.ToListAsync().ConfigureAwait(false);
        return new ReminderTableData(rows.Select(Entry));
    }

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        string id = grainId.ToString();
        await using CatalogDbContext catalog = openCatalog();
        ReminderRecord? row = await catalog.Reminders.AsNoTracking()
            .SingleOrDefaultAsync(r => r.ServiceId == serviceId && r.GrainId == id && r.ReminderName == reminderName).ConfigureAwait(false);
        // Orleans expects null for a reminder that does not exist.
        return row is null ? null : Entry(row);
    }

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string id = entry.GrainId.ToString();
        if (writer.GroupCommit is { } group)
        {
            // SQLite: one upsert in the next group commit (a case opening no longer waits for a commit of its own).
            long hash = entry.GrainId.GetUniformHashCode();
            DateTime start = DateTime.SpecifyKind(entry.StartAt.ToUniversalTime(), DateTimeKind.Utc);
            long period = entry.Period.Ticks;
            object? version = await group.WriteAsync(b => b.Scalar(UpsertSql, serviceId, id, entry.ReminderName, hash, start, period)).ConfigureAwait(false);
            return ETagOf(Convert.ToInt64(version, System.Globalization.CultureInfo.InvariantCulture));
        }

        for (int attempt = 1; ; attempt++)
        {
            await using CatalogDbContext catalog = openCatalog();
            ReminderRecord? row = await catalog.Reminders
                .SingleOrDefaultAsync(r => r.ServiceId == serviceId && r.GrainId == id && r.ReminderName == entry.ReminderName).ConfigureAwait(false);
            if (row is null)
            {
                row = new ReminderRecord { ServiceId = serviceId, GrainId = id, ReminderName = entry.ReminderName, Version = 0 };
                catalog.Reminders.Add(row);
            }

            row.GrainHash = entry.GrainId.GetUniformHashCode();
            row.StartAtUtc = DateTime.SpecifyKind(entry.StartAt.ToUniversalTime(), DateTimeKind.Utc);
            row.PeriodTicks = entry.Period.Ticks;
            row.Version++;
            try
            {
                using (await CatalogWriteGate.EnterAsync(catalog).ConfigureAwait(false))
                {
                    await catalog.SaveChangesAsync().ConfigureAwait(false);
                }

                return ETagOf(row.Version);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Two silos inserted the same reminder at once during a membership change; the second one updates.
            }
        }
    }

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        string id = grainId.ToString();
        if (!long.TryParse(eTag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long version))
        {
            return false;
        }

        if (writer.GroupCommit is { } group)
        {
            return await group.WriteAsync(b => b.Execute(RemoveSql, serviceId, id, reminderName, version)).ConfigureAwait(false) == 1;
        }

        await using CatalogDbContext catalog = openCatalog();
        using (await CatalogWriteGate.EnterAsync(catalog).ConfigureAwait(false))
        {
            int deleted = await catalog.Reminders
                .Where(r => r.ServiceId == serviceId && r.GrainId == id && r.ReminderName == reminderName && r.Version == version)
                .ExecuteDeleteAsync().ConfigureAwait(false);
            return deleted == 1;
        }
    }

    public async Task TestOnlyClearTable()
    {
        await using CatalogDbContext catalog = openCatalog();
        await catalog.Reminders.Where(r => r.ServiceId == serviceId).ExecuteDeleteAsync().ConfigureAwait(false);
    }

    private static ReminderEntry Entry(ReminderRecord row) => new()
    {
        GrainId = GrainId.Parse(row.GrainId),
        ReminderName = row.ReminderName,
        StartAt = DateTime.SpecifyKind(row.StartAtUtc, DateTimeKind.Utc),
        Period = TimeSpan.FromTicks(row.PeriodTicks),
        ETag = ETagOf(row.Version),
    };

    private static string ETagOf(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
