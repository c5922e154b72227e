using System.Diagnostics;
using Npgsql;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Testing;

/// <summary>
/// A throwaway PostgreSQL server (Debian's binaries, run as the postgres user) on a free 127.0.0.1 port with its
/// data in a temp folder; each test gets a fresh database of it. Stopped and deleted on dispose. Shared by the test
/// projects as a linked file (tests/Support).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "telemed-pg-" + Guid.NewGuid().ToString("N"));
    private readonly int port;

    public PostgresServer()
    {
        string bin = PostgresFactAttribute.BinDirectory
            ?? throw new InvalidOperationException("PostgreSQL binaries are not installed");
        port = FreePorts.Next();
        Run("mkdir", "-p", folder);
        Run(Path.Combine(bin, "initdb"), "-D", folder, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync");
        Run(Path.Combine(bin, "pg_ctl"), "-D", folder, "-w", "-l", Path.Combine(folder, "server.log"),
            "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300", "start");
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        string database = "telemed_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using NpgsqlCommand create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE {database}";
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(database);
    }

    /// <summary>A new database with the catalog's migrations applied; returns how to open it.</summary>
    public async Task<Func<CatalogDbContext>> CreateCatalogAsync()
    {
        string connection = await CreateDatabaseAsync();
        await using (PostgresCatalogDbContext catalog = CatalogDatabase.OpenPostgres(connection))
        {
            await CatalogDatabase.MigrateAsync(catalog);
        }

        return () => CatalogDatabase.OpenPostgres(connection);
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            Run(Path.Combine(PostgresFactAttribute.BinDirectory!, "pg_ctl"), "-D", folder, "-m", "immediate", "stop");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string ConnectionString(string database) => $"Host=127.0.0.1;Port={port};Username=postgres;Database={database};Pooling=true";


    // PostgreSQL refuses to run as root: every step runs as the postgres user.
    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["-u", "postgres", "--", program, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {output}");
        }
    }
}

/// <summary>A fact that runs where Debian's PostgreSQL server binaries are installed, and is reported skipped elsewhere.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (BinDirectory is null)
        {
            Skip = "PostgreSQL server binaries (Debian package postgresql) are not installed";
        }
    }

    public static string? BinDirectory { get; } = Directory.Exists("/usr/lib/postgresql")
        ? Directory.EnumerateDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
        : null;
}
