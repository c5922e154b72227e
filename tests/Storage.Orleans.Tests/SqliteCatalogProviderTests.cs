using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Storage.Orleans.Tests;

/// <summary>Grain storage and reminder table on a real SQLite catalog file.</summary>
public sealed class SqliteCatalogProviderTests : IDisposable
{
    private readonly List<CatalogFile> files = [];

    public void Dispose()
    {
        foreach (CatalogFile file in files)
        {
            file.Dispose();
        }
    }

    private async Task<Func<CatalogDbContext>> Catalog()
    {
        CatalogFile file = await CatalogFile.CreateAsync();
        files.Add(file);
        return file.Open;
    }

    [Fact]
    public async Task CaseIndex_An_entry_reads_back_and_only_a_newer_revision_replaces_it() => await CaseIndexScenarios.An_entry_reads_back_and_only_a_newer_revision_replaces_it(await Catalog());

    [Fact]
    public async Task CaseIndex_A_pool_reads_the_cases_its_deadline_tick_must_look_at() => await CaseIndexScenarios.A_pool_reads_the_cases_its_deadline_tick_must_look_at(await Catalog());

    [Fact]
    public async Task GrainStorage_Concurrent_writes_fail_only_the_stale_ones_and_store_the_rest() => await GrainStorageScenarios.Concurrent_writes_fail_only_the_stale_ones_and_store_the_rest(await Catalog());

    [Fact]
    public async Task GrainStorage_Missing_state_reads_as_a_new_object_without_etag() => await GrainStorageScenarios.Missing_state_reads_as_a_new_object_without_etag(await Catalog());

    [Fact]
    public async Task GrainStorage_Written_state_reads_back_from_a_new_storage_on_the_same_database() => await GrainStorageScenarios.Written_state_reads_back_from_a_new_storage_on_the_same_database(await Catalog());

    [Fact]
    public async Task GrainStorage_A_write_with_a_stale_etag_throws_and_keeps_the_other_writers_state() => await GrainStorageScenarios.A_write_with_a_stale_etag_throws_and_keeps_the_other_writers_state(await Catalog());

    [Fact]
    public async Task GrainStorage_Two_first_writes_of_the_same_grain_conflict() => await GrainStorageScenarios.Two_first_writes_of_the_same_grain_conflict(await Catalog());

    [Fact]
    public async Task GrainStorage_Clear_removes_the_row_and_resets_the_state_but_not_with_a_stale_etag() => await GrainStorageScenarios.Clear_removes_the_row_and_resets_the_state_but_not_with_a_stale_etag(await Catalog());

    [Fact]
    public async Task GrainStorage_States_of_different_names_and_grains_are_separate_rows() => await GrainStorageScenarios.States_of_different_names_and_grains_are_separate_rows(await Catalog());

    [Fact]
    public async Task Reminders_Upserted_reminder_survives_a_new_table_on_the_same_database() => await ReminderTableScenarios.Upserted_reminder_survives_a_new_table_on_the_same_database(await Catalog());

    [Fact]
    public async Task Reminders_Upsert_replaces_and_changes_the_etag_so_an_old_etag_cannot_remove() => await ReminderTableScenarios.Upsert_replaces_and_changes_the_etag_so_an_old_etag_cannot_remove(await Catalog());

    [Fact]
    public async Task Reminders_Range_reads_follow_the_uniform_hash_including_the_wrapped_range() => await ReminderTableScenarios.Range_reads_follow_the_uniform_hash_including_the_wrapped_range(await Catalog());

    [Fact]
    public async Task Reminders_Services_do_not_see_each_others_reminders() => await ReminderTableScenarios.Services_do_not_see_each_others_reminders(await Catalog());

    [Fact]
    public async Task IngestOutbox_An_instance_and_its_announcement_commit_together_and_a_duplicate_announces_nothing() => await IngestOutboxScenarios.An_instance_and_its_announcement_commit_together_and_a_duplicate_announces_nothing(await Catalog());

    [Fact]
    public async Task IngestOutbox_An_announcement_that_cannot_be_queued_leaves_no_instance() => await IngestOutboxScenarios.An_announcement_that_cannot_be_queued_leaves_no_instance(await Catalog());

    [Fact]
    public async Task IngestOutbox_Failed_events_wait_parked_ones_are_set_aside_and_delivered_ones_go() => await IngestOutboxScenarios.Failed_events_wait_parked_ones_are_set_aside_and_delivered_ones_go(await Catalog());
}
