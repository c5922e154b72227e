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
    private readonly string serviceId = cluster.Value.ServiceId;

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
