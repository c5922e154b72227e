using Npgsql;

namespace Telemed.Storage.Catalog;

/// <summary>
/// A PostgreSQL session-level advisory lock (pg_advisory_lock, keyed by hashtext of a name) held on a dedicated
/// connection. The server drops it when the session ends, so a killed process cannot leave it held.
/// </summary>
internal sealed class PostgresAdvisoryLock : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly string name;

    private PostgresAdvisoryLock(NpgsqlConnection connection, string name)
    {
        this.connection = connection;
        this.name = name;
    }

    public static async Task<PostgresAdvisoryLock> AcquireAsync(string connectionString, string name, CancellationToken cancellationToken)
    {
        // Not pooled: the lock belongs to this session, which must end with the lock, not wait in a pool.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "SELECT pg_advisory_lock(hashtext(@name))", name, cancellationToken).ConfigureAwait(false);
            return new PostgresAdvisoryLock(connection, name);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(hashtext(@name))", name, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, string name, CancellationToken cancellationToken)
    {
        NpgsqlCommand command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            command.Parameters.AddWithValue("name", name);
            // Waiting for another process's migration is expected: no command timeout while queued for the lock.
            command.CommandTimeout = 0;
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
