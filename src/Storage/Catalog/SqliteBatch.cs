using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Telemed.Storage.Catalog;

/// <summary>
/// What a <see cref="SqliteGroupCommit"/> write sees: statements on the writer's connection, inside the batch's
/// transaction. Commands are prepared once per SQL text and reused (parameters @p0, @p1, … by position).
/// </summary>
public sealed class SqliteBatch : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);

    internal SqliteBatch(SqliteConnection connection) => this.connection = connection;

    internal SqliteTransaction? Transaction { get; set; }

    /// <summary>Runs a statement; the number of rows it changed.</summary>
    public int Execute(string sql, params object?[] values) => Prepare(sql, values).ExecuteNonQuery();

    /// <summary>Runs a statement; the first column of its first row (e.g. from RETURNING), or null.</summary>
    public object? Scalar(string sql, params object?[] values) => Prepare(sql, values).ExecuteScalar();

    private SqliteCommand Prepare(string sql, object?[] values)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(values);
        if (!commands.TryGetValue(sql, out SqliteCommand? command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            for (int i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter("@p" + i.ToString(CultureInfo.InvariantCulture), null));
            }

            commands[sql] = command;
        }

        if (command.Parameters.Count != values.Length)
        {
            throw new ArgumentException($"the statement takes {command.Parameters.Count} values, not {values.Length}", nameof(values));
        }

        command.Transaction = Transaction;
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command;
    }

    public void Dispose()
    {
        foreach (SqliteCommand command in commands.Values)
        {
            command.Dispose();
        }

        commands.Clear();
    }
}
