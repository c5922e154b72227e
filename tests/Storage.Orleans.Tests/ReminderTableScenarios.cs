using Xunit;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Telemed.Storage.Catalog;
using Telemed.Storage.Orleans.Reminders;

namespace Telemed.Storage.Orleans.Tests;

/// <summary>Reminder table behaviour, run against each catalog provider.</summary>
internal static class ReminderTableScenarios
{
    private static CatalogReminderTable Table(Func<CatalogDbContext> open, string serviceId = "telemed") =>
        new(open, Options.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "test" }));

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan period) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = new DateTime(2026, 11, 26, 23, 0, 0, DateTimeKind.Utc),
        Period = period,
    };

    public static async Task Upserted_reminder_survives_a_new_table_on_the_same_database(Func<CatalogDbContext> open)
    {
                GrainId grain = GrainId.Create("case", Guid.NewGuid().ToString("N"));
        string? etag = await Table(open).UpsertRow(Entry(grain, "deadlines", TimeSpan.FromMinutes(1)));

        ReminderEntry? read = await Table(open).ReadRow(grain, "deadlines");

        Assert.NotNull(read);
        Assert.Equal(grain, read.GrainId);
        Assert.Equal(TimeSpan.FromMinutes(1), read.Period);
        Assert.Equal(new DateTime(2026, 11, 26, 23, 0, 0, DateTimeKind.Utc), read.StartAt);
        Assert.Equal(etag, read.ETag);
        Assert.Single((await Table(open).ReadRows(grain)).Reminders);
    }

    public static async Task Upsert_replaces_and_changes_the_etag_so_an_old_etag_cannot_remove(Func<CatalogDbContext> open)
    {
                CatalogReminderTable table = Table(open);
        GrainId grain = GrainId.Create("case", "c-1");
        string? first = await table.UpsertRow(Entry(grain, "deadlines", TimeSpan.FromMinutes(1)));
        string? second = await table.UpsertRow(Entry(grain, "deadlines", TimeSpan.FromMinutes(2)));

        Assert.NotEqual(first, second);
        Assert.False(await table.RemoveRow(grain, "deadlines", first!));
        Assert.Equal(TimeSpan.FromMinutes(2), (await table.ReadRow(grain, "deadlines"))!.Period);
        Assert.True(await table.RemoveRow(grain, "deadlines", second!));
        Assert.Null(await table.ReadRow(grain, "deadlines"));
    }

    public static async Task Range_reads_follow_the_uniform_hash_including_the_wrapped_range(Func<CatalogDbContext> open)
    {
                CatalogReminderTable table = Table(open);
        GrainId[] grains = [.. Enumerable.Range(0, 40).Select(i => GrainId.Create("case", $"c-{i}"))];
        foreach (GrainId grain in grains)
        {
            await table.UpsertRow(Entry(grain, "deadlines", TimeSpan.FromMinutes(1)));
        }

        uint[] hashes = [.. grains.Select(g => g.GetUniformHashCode()).Order()];
        uint begin = hashes[9];
        uint end = hashes[29];
        ReminderTableData inside = await table.ReadRows(begin, end);
        ReminderTableData wrapped = await table.ReadRows(end, begin);

        Assert.Equal(20, inside.Reminders.Count); // (begin, end] holds hashes[10..29]
        Assert.All(inside.Reminders, r => Assert.InRange(r.GrainId.GetUniformHashCode(), begin + 1, end));
        Assert.Equal(20, wrapped.Reminders.Count);
        Assert.Equal(40, inside.Reminders.Concat(wrapped.Reminders).Select(r => r.GrainId).Distinct().Count());
        Assert.Equal(40, (await table.ReadRows(0u, 0u)).Reminders.Count);
    }

    public static async Task Services_do_not_see_each_others_reminders(Func<CatalogDbContext> open)
    {
                GrainId grain = GrainId.Create("case", "c-1");
        await Table(open, "county-a").UpsertRow(Entry(grain, "deadlines", TimeSpan.FromMinutes(1)));

        Assert.Null(await Table(open, "county-b").ReadRow(grain, "deadlines"));
        await Table(open, "county-b").TestOnlyClearTable();
        Assert.NotNull(await Table(open, "county-a").ReadRow(grain, "deadlines"));
    }
}
