using Microsoft.EntityFrameworkCore;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Storage.Orleans.Tests;

/// <summary>The same scenarios on PostgreSQL: a private server for the class, a fresh database per test.</summary>
public sealed class PostgresCatalogProviderTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    /// <summary>
    /// Cluster processes starting together all migrate the same empty database: they take turns, every one succeeds,
    /// and each migration is applied once. Several rounds, each on a fresh database, to give a race room to show.
    /// </summary>
    [PostgresFact]
    public async Task Catalog_Concurrent_migrations_of_an_empty_database_all_succeed_and_apply_each_migration_once()
    {
        for (int round = 0; round < 3; round++)
        {
            string connection = await server.CreateDatabaseAsync();
            await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
            {
                await using PostgresCatalogDbContext catalog = CatalogDatabase.OpenPostgres(connection);
                await CatalogDatabase.MigrateAsync(catalog);
            })));

            await using PostgresCatalogDbContext check = CatalogDatabase.OpenPostgres(connection);
            List<string> applied = [.. await check.Database.GetAppliedMigrationsAsync()];
            Assert.Equal(check.Database.GetMigrations(), applied);
            Assert.Empty(await check.Database.GetPendingMigrationsAsync());
            Assert.Equal(0, await check.Devices.CountAsync());
        }
    }

    [PostgresFact]
    public async Task CaseIndex_An_entry_reads_back_and_only_a_newer_revision_replaces_it() => await CaseIndexScenarios.An_entry_reads_back_and_only_a_newer_revision_replaces_it(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task CaseIndex_A_pool_reads_the_cases_its_deadline_tick_must_look_at() => await CaseIndexScenarios.A_pool_reads_the_cases_its_deadline_tick_must_look_at(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task GrainStorage_Concurrent_writes_fail_only_the_stale_ones_and_store_the_rest() => await GrainStorageScenarios.Concurrent_writes_fail_only_the_stale_ones_and_store_the_rest(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task GrainStorage_Missing_state_reads_as_a_new_object_without_etag() => await GrainStorageScenarios.Missing_state_reads_as_a_new_object_without_etag(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task GrainStorage_Written_state_reads_back_from_a_new_storage_on_the_same_database() => await GrainStorageScenarios.Written_state_reads_back_from_a_new_storage_on_the_same_database(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task GrainStorage_A_write_with_a_stale_etag_throws_and_keeps_the_other_writers_state() => await GrainStorageScenarios.A_write_with_a_stale_etag_throws_and_keeps_the_other_writers_state(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task GrainStorage_Two_first_writes_of_the_same_grain_conflict() => await GrainStorageScenarios.Two_first_writes_of_the_same_grain_conflict(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task GrainStorage_Clear_removes_the_row_and_resets_the_state_but_not_with_a_stale_etag() => await GrainStorageScenarios.Clear_removes_the_row_and_resets_the_state_but_not_with_a_stale_etag(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task GrainStorage_States_of_different_names_and_grains_are_separate_rows() => await GrainStorageScenarios.States_of_different_names_and_grains_are_separate_rows(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task Reminders_Upserted_reminder_survives_a_new_table_on_the_same_database() => await ReminderTableScenarios.Upserted_reminder_survives_a_new_table_on_the_same_database(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task Reminders_Upsert_replaces_and_changes_the_etag_so_an_old_etag_cannot_remove() => await ReminderTableScenarios.Upsert_replaces_and_changes_the_etag_so_an_old_etag_cannot_remove(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task Reminders_Range_reads_follow_the_uniform_hash_including_the_wrapped_range() => await ReminderTableScenarios.Range_reads_follow_the_uniform_hash_including_the_wrapped_range(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task Reminders_Services_do_not_see_each_others_reminders() => await ReminderTableScenarios.Services_do_not_see_each_others_reminders(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task IngestOutbox_An_instance_and_its_announcement_commit_together_and_a_duplicate_announces_nothing() => await IngestOutboxScenarios.An_instance_and_its_announcement_commit_together_and_a_duplicate_announces_nothing(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task IngestOutbox_An_announcement_that_cannot_be_queued_leaves_no_instance() => await IngestOutboxScenarios.An_announcement_that_cannot_be_queued_leaves_no_instance(await server.CreateCatalogAsync());

    [PostgresFact]
    public async Task IngestOutbox_Failed_events_wait_parked_ones_are_set_aside_and_delivered_ones_go() => await IngestOutboxScenarios.Failed_events_wait_parked_ones_are_set_aside_and_delivered_ones_go(await server.CreateCatalogAsync());
}
