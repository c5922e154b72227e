using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Telemed.Storage.Catalog;

namespace Telemed.Storage.Orleans.GrainState;

/// <summary>
/// Orleans grain storage in the catalog's <c>grain_states</c> table: state as JSON, the row version as ETag. A write
/// whose ETag is not the stored one (another activation wrote in between) throws
/// <see cref="InconsistentStateException"/> and changes nothing.
/// </summary>
public sealed class CatalogGrainStorage(Func<CatalogDbContext> openCatalog, JsonSerializerOptions json) : IGrainStorage
{
    private const string InsertSql =
        "INSERT INTO grain_states (\"StateName\", \"GrainId\", \"Json\", \"Version\", \"UpdatedAtUtc\") VALUES (@p0, @p1, @p2, @p3, @p4) ON CONFLICT DO NOTHING";

    private const string SelectSql = "SELECT \"Json\", \"Version\" FROM grain_states WHERE \"StateName\" = @p0 AND \"GrainId\" = @p1";

    private const string UpdateSql =
        "UPDATE grain_states SET \"Json\" = @p0, \"Version\" = @p1, \"UpdatedAtUtc\" = @p2 WHERE \"StateName\" = @p3 AND \"GrainId\" = @p4 AND \"Version\" = @p5";

    private readonly CatalogWriter writer = new(openCatalog);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string id = grainId.ToString();
        if (writer.GroupCommit is { } group)
        {
            (string Json, long Version)? stored = ReadSqlite(group, stateName, id);
            Apply(grainState, stored?.Json, stored?.Version);
            return;
        }

        await using CatalogDbContext catalog = openCatalog();
        GrainStateRecord? row = await catalog.GrainStates.AsNoTracking()
            .SingleOrDefaultAsync(g => g.StateName == stateName && g.GrainId == id).ConfigureAwait(false);
        if (row is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = JsonSerializer.Deserialize<T>(row.Json, json) ?? Activator.CreateInstance<T>();
        grainState.ETag = ETagOf(row.Version);
        grainState.RecordExists = true;
    }

    private static (string Json, long Version)? ReadSqlite(SqliteGroupCommit group, string stateName, string id)
    {
        using Microsoft.Data.Sqlite.SqliteConnection connection = group.OpenReader();
        using Microsoft.Data.Sqlite.SqliteCommand command = connection.CreateCommand();
        command.CommandText = SelectSql;
        command.Parameters.AddWithValue("@p0", stateName);
        command.Parameters.AddWithValue("@p1", id);
        using Microsoft.Data.Sqlite.SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    private void Apply<T>(IGrainState<T> grainState, string? text, long? version)
    {
        if (text is null || version is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = JsonSerializer.Deserialize<T>(text, json) ?? Activator.CreateInstance<T>();
        grainState.ETag = ETagOf(version.Value);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string id = grainId.ToString();
        string text = JsonSerializer.Serialize(grainState.State, json);
        DateTime now = DateTime.UtcNow;
        if (writer.GroupCommit is { } group)
        {
            // SQLite: the same statements, committed together with whatever other writes are queued (group commit).
            long version = grainState.ETag is null ? 1 : VersionOf(grainState.ETag, stateName, id) + 1;
            StateCompanion? companion = StateCompanion.Take();
            bool first = grainState.ETag is null;
            int changed = await group.WriteAsync(b =>
            {
                int n = first ? b.Execute(InsertSql, stateName, id, text, version, now) : b.Execute(UpdateSql, text, version, now, stateName, id, version - 1);
                if (n == 1)
                {
                    // Same savepoint: if the companion fails, the state write is undone with it and the caller hears.
                    companion?.Write(b);
                }

                return n;
            }).ConfigureAwait(false);
            if (changed == 0)
            {
                throw new InconsistentStateException($"{stateName} of {id} was written by another activation (ETag {grainState.ETag ?? "none"})",
                    await StoredETag(stateName, id).ConfigureAwait(false), grainState.ETag ?? "none");
            }

            grainState.ETag = ETagOf(version);
            grainState.RecordExists = true;
            return;
        }

        await using CatalogDbContext catalog = openCatalog();
        if (grainState.ETag is null)
        {
            catalog.GrainStates.Add(new GrainStateRecord { StateName = stateName, GrainId = id, Json = text, Version = 1, UpdatedAtUtc = now });
            try
            {
                using CatalogWriteLease turn = await CatalogWriteGate.EnterAsync(catalog).ConfigureAwait(false);
                await catalog.SaveChangesAsync().ConfigureAwait(false);
            }
            catch (DbUpdateException e)
            {
                // The primary key refused the insert: someone wrote this grain's state after we read "no record".
                throw new InconsistentStateException($"{stateName} of {id} was written by another activation", await StoredETag(stateName, id).ConfigureAwait(false), null, e);
            }

            grainState.ETag = ETagOf(1);
            grainState.RecordExists = true;
            return;
        }

        long expected = VersionOf(grainState.ETag, stateName, id);
        long next = expected + 1;
        int updated;
        using (await CatalogWriteGate.EnterAsync(catalog).ConfigureAwait(false))
        {
            // SQL rather than ExecuteUpdateAsync: EF Core's query pipeline walks and hashes the setter values on every
            // call, which for a state of a few hundred kilobytes (a busy routing pool) cost as much CPU as the JSON
            // itself (bench/RESULTS.md, case load). The statement is the same; the values are parameters.
            updated = await catalog.Database.ExecuteSqlAsync(
                $"UPDATE grain_states SET \"Json\" = {text}, \"Version\" = {next}, \"UpdatedAtUtc\" = {now} WHERE \"StateName\" = {stateName} AND \"GrainId\" = {id} AND \"Version\" = {expected}")
                .ConfigureAwait(false);
        }

        if (updated == 0)
        {
            throw new InconsistentStateException($"{stateName} of {id} changed since it was read (ETag {grainState.ETag})",
                await StoredETag(stateName, id).ConfigureAwait(false), grainState.ETag);
        }

        grainState.ETag = ETagOf(next);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string id = grainId.ToString();
        if (grainState.ETag is not null)
        {
            long expected = VersionOf(grainState.ETag, stateName, id);
            await using CatalogDbContext catalog = openCatalog();
            int deleted;
            using (await CatalogWriteGate.EnterAsync(catalog).ConfigureAwait(false))
            {
                deleted = await catalog.GrainStates
                    .Where(g => g.StateName == stateName && g.GrainId == id && g.Version == expected)
                    .ExecuteDeleteAsync().ConfigureAwait(false);
            }

            if (deleted == 0)
            {
                throw new InconsistentStateException($"{stateName} of {id} changed since it was read (ETag {grainState.ETag})",
                    await StoredETag(stateName, id).ConfigureAwait(false), grainState.ETag);
            }
        }

        // Orleans leaves resetting the in-memory state to the provider.
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private async Task<string> StoredETag(string stateName, string id)
    {
        await using CatalogDbContext catalog = openCatalog();
        long? version = await catalog.GrainStates.AsNoTracking()
            .Where(g => g.StateName == stateName && g.GrainId == id)
            .Select(g => (long?)g.Version).SingleOrDefaultAsync().ConfigureAwait(false);
        return version is { } v ? ETagOf(v) : "none";
    }

    private static string ETagOf(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static long VersionOf(string etag, string stateName, string id) =>
        long.TryParse(etag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new InconsistentStateException($"{stateName} of {id}: '{etag}' is not an ETag this storage issued", "unknown", etag);
}
