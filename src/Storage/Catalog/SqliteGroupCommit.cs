using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Telemed.Storage.Catalog;

/// <summary>
/// Group commit for one SQLite catalog file: writes queued by concurrent callers run in one transaction and one fsync
/// (WAL, synchronous=FULL), and each caller's task completes only after that commit. Each write runs under its own
/// savepoint, so one that fails (a constraint, an optimistic-concurrency check the caller turns into an exception)
/// is undone alone and fails alone; the others commit. Batches take <see cref="CatalogWriteGate"/>'s turn, so the
/// catalog's other writers (EF Core) go between batches. Without this, every grain write was its own fsynced commit
/// behind one gate, which capped the whole case workflow at a few hundred writes per second (bench/RESULTS.md).
/// </summary>
public sealed class SqliteGroupCommit
{
    /// <summary>Writes per transaction at most; bounds how long the gate is held and one batch's work lost to a failed commit.</summary>
    private const int MaxBatch = 512;

    private static readonly ConcurrentDictionary<string, SqliteGroupCommit> Files = new(StringComparer.Ordinal);

    private readonly Channel<IWork> queue = Channel.CreateUnbounded<IWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string connectionString;
    private readonly string readConnectionString;
    private readonly string dataSource;

    private SqliteGroupCommit(string readConnectionString, string dataSource)
    {
        this.readConnectionString = readConnectionString;
        connectionString = new SqliteConnectionStringBuilder(readConnectionString) { Pooling = false }.ToString();
        this.dataSource = dataSource;
        _ = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>The writer of this catalog's file (one per file in the process), or null when it is not a SQLite catalog.</summary>
    public static SqliteGroupCommit? For(CatalogDbContext catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (catalog is not SqliteCatalogDbContext sqlite)
        {
            return null;
        }

        string source = sqlite.DataSource;
        return Files.GetOrAdd(source, s => new SqliteGroupCommit(sqlite.ConnectionString, s));
    }

    /// <summary>
    /// A pooled connection for reading, open (WAL: readers see the last commit and never wait for the writer). Plain
    /// ADO.NET for the hot reads: a DbContext per grain activation's read was a third of the case workflow's CPU.
    /// </summary>
    public SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(readConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Queues a write and completes with its result after the transaction holding it committed.</summary>
    /// <param name="write">Runs on the writer's connection inside the batch's transaction; keep it to a few statements.</param>
    public Task<T> WriteAsync<T>(Func<SqliteBatch, T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var work = new Work<T>(write);
        if (!queue.Writer.TryWrite(work))
        {
            throw new InvalidOperationException($"the catalog writer of {dataSource} has stopped");
        }

        return work.Completion.Task;
    }

    private async Task RunAsync()
    {
        var pending = new List<IWork>(MaxBatch);
        SqliteConnection? connection = null;
        SqliteBatch? batch = null;
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            using CatalogWriteLease turn = await CatalogWriteGate.EnterAsync(dataSource).ConfigureAwait(false);
            while (pending.Count < MaxBatch && queue.Reader.TryRead(out IWork? work))
            {
                pending.Add(work);
            }

            try
            {
                if (connection is null)
                {
                    connection = new SqliteConnection(connectionString);
                    connection.Open();
                    using SqliteCommand pragmas = connection.CreateCommand();
                    pragmas.CommandText = CatalogDatabase.SqlitePragmas.Text;
                    pragmas.ExecuteNonQuery();
                    batch = new SqliteBatch(connection);
                }

                Commit(connection, batch!, pending);
            }
            catch (Exception e)
            {
                // The transaction did not commit: nothing of this batch is stored. Start over with a fresh connection.
                foreach (IWork work in pending)
                {
                    work.Fail(e);
                }

                batch?.Dispose();
                connection?.Dispose();
                batch = null;
                connection = null;
            }

            pending.Clear();
        }
    }

    private static void Commit(SqliteConnection connection, SqliteBatch batch, List<IWork> pending)
    {
        var failures = new Exception?[pending.Count];
        using (SqliteTransaction transaction = connection.BeginTransaction(deferred: false))
        {
            batch.Transaction = transaction;
            for (int i = 0; i < pending.Count; i++)
            {
                batch.Execute("SAVEPOINT w");
                try
                {
                    pending[i].Run(batch);
                    batch.Execute("RELEASE w");
                }
                catch (SqliteException e)
                {
                    failures[i] = e;
                    batch.Execute("ROLLBACK TO w");
                    batch.Execute("RELEASE w");
                }
            }

            transaction.Commit();
            batch.Transaction = null;
        }

        for (int i = 0; i < pending.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                pending[i].Fail(failure);
            }
            else
            {
                pending[i].Complete();
            }
        }
    }

    private interface IWork
    {
        void Run(SqliteBatch batch);

        void Complete();

        void Fail(Exception e);
    }

    private sealed class Work<T>(Func<SqliteBatch, T> write) : IWork
    {
        private T? result;

        // Continuations must not run on the writer's thread: it would hold the next batch behind grain code.
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Run(SqliteBatch batch) => result = write(batch);

        public void Complete() => Completion.TrySetResult(result!);

        public void Fail(Exception e) => Completion.TrySetException(e);
    }
}
