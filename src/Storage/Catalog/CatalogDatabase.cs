using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Telemed.Storage.Catalog;

/// <summary>Opens the catalog on SQLite (one machine) or PostgreSQL (a cluster) and brings its schema up to date.</summary>
public static class CatalogDatabase
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, DbContextOptions<SqliteCatalogDbContext>> SqliteOptions =
        new(StringComparer.Ordinal);

    /// <summary>A SQLite catalog in one file; WAL with full sync, because a commit here backs a device acknowledgement.</summary>
    public static SqliteCatalogDbContext OpenSqlite(string path)
    {
        // Options built once per file: building them per open was ≈ 10 % of the case workflow's CPU (bench/RESULTS.md).
        string fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        DbContextOptions<SqliteCatalogDbContext> options = SqliteOptions.GetOrAdd(fullPath, full =>
            new DbContextOptionsBuilder<SqliteCatalogDbContext>()
                .UseSqlite(SqliteConnectionString(full))
                .AddInterceptors(SqlitePragmas.Instance)
                .Options);
        return new SqliteCatalogDbContext(options);
    }

    public static PostgresCatalogDbContext OpenPostgres(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PostgresCatalogDbContext>().UseNpgsql(connectionString).Options;
        return new PostgresCatalogDbContext(options);
    }

    public static string SqliteConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path), Pooling = true, DefaultTimeout = 30 }.ToString();

    /// <summary>
    /// Applies pending migrations and the audit log's append-only triggers; safe to call at every start, and from several processes of a cluster at once: on
    /// PostgreSQL they take turns under <see cref="LockAsync"/>. EF Core's own migration lock is not enough there: with
    /// EF Core 10 and Npgsql 10.0.3, six concurrent Migrate calls on an empty database failed with 42P07 "relation
    /// grain_states already exists" (checked with PostgresCatalogProviderTests' concurrent-migration test minus this lock).
    /// </summary>
    public static async Task MigrateAsync(CatalogDbContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using (await LockAsync(context, "telemed.catalog.migrate", cancellationToken).ConfigureAwait(false))
        {
            await context.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            // Kept out of the migrations so that regenerating them cannot lose it. The triggers stop the application
            // and casual SQL from changing the log or moving its head back; someone with the database file can drop
            // them, which the hash chain and the head (AuditHead) catch.
            string sql = context is PostgresCatalogDbContext ? PostgresAppendOnly : SqliteAppendOnly;
            await context.Database.ExecuteSqlRawAsync(sql, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Serialises a start-up step (migration, demo seed) across the processes sharing this catalog until the result is
    /// disposed. On PostgreSQL a session advisory lock on a connection of its own, released by the server if the
    /// process dies; a SQLite catalog belongs to one process, so there is nothing to take.
    /// </summary>
    public static async Task<IAsyncDisposable> LockAsync(CatalogDbContext context, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context is PostgresCatalogDbContext
            ? await PostgresAdvisoryLock.AcquireAsync(context.Database.GetConnectionString()!, name, cancellationToken).ConfigureAwait(false)
            : NoLock.Instance;
    }

    private const string SqliteAppendOnly = """
        CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_head_forward_only BEFORE UPDATE ON audit_head
        WHEN NEW."Sequence" <= OLD."Sequence" OR NEW."Id" <> OLD."Id"
        BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;
        CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_head
        BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;
        """;

    private const string PostgresAppendOnly = """
        CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$;
        CREATE OR REPLACE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
        CREATE OR REPLACE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
        CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN
        IF TG_OP = 'UPDATE' AND NEW."Sequence" > OLD."Sequence" AND NEW."Id" = OLD."Id" THEN RETURN NEW; END IF;
        RAISE EXCEPTION 'the audit head only moves forward';
        END $$;
        CREATE OR REPLACE TRIGGER audit_head_no_change BEFORE UPDATE OR DELETE ON audit_head
        FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
        CREATE OR REPLACE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
        FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only();
        """;

    /// <summary>Every new SQLite connection: WAL (readers never block the writer), FULL sync, foreign keys, busy wait.</summary>
    internal sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();

        public const string Text = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";

        private const string Pragmas = Text;

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using DbCommand command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            DbCommand command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = Pragmas;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
