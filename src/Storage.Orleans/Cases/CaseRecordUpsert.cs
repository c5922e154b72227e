using System.Data.Common;
using System.Globalization;
using Telemed.Grains.Cases;

namespace Telemed.Storage.Orleans.Cases;

/// <summary>
/// The <c>case_records</c> upsert, valid on SQLite (3.24+) and PostgreSQL: insert, or overwrite a row whose revision is
/// older. Enums by name and times as Unix milliseconds, as the catalog model maps <see cref="Catalog.CaseRecord"/>.
/// </summary>
internal static class CaseRecordUpsert
{
    private static readonly string[] Columns =
    [
        "CaseId", "CommunityId", "RoutedCommunityId", "RequestingInstitutionId", "RequestedBy", "Kind", "Priority",
        "Specialty", "Status", "PatientId", "AssignedReaderId", "ClinicalQuestion", "OpenedAt", "AssignedAt", "AcceptedAt",
        "SignedAt", "ClosedAt", "SlaDueAt", "SlaBreached", "UpdatedAt", "Revision",
        "AcceptDueAt", "SlaWarned",
    ];

    public static readonly string Sql =
        $"INSERT INTO case_records ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) " +
        $"VALUES ({string.Join(", ", Columns.Select((_, i) => $"@p{i}"))}) " +
        $"ON CONFLICT (\"CaseId\") DO UPDATE SET {string.Join(", ", Columns.Skip(1).Select(c => $"\"{c}\" = excluded.\"{c}\""))} " +
        "WHERE case_records.\"Revision\" < excluded.\"Revision\"";

    /// <summary>The upsert as a command on an open connection (the caller disposes it).</summary>
    /// <param name="connection">The catalog's connection, open.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="sqlite">EF Core keeps a Guid as upper-case text on SQLite and as uuid on PostgreSQL; bind it the same way.</param>
    public static DbCommand Command(DbConnection connection, CaseIndexEntry entry, bool sqlite)
    {
        object?[] values = Values(entry, sqlite);
        DbCommand command = connection.CreateCommand();
        command.CommandText = Sql;
        for (int i = 0; i < values.Length; i++)
        {
            DbParameter parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
            parameter.Value = values[i] ?? DBNull.Value;
            if (values[i] is null)
            {
                // Untyped nulls: PostgreSQL needs to know the column's type family.
                parameter.DbType = i >= 12 ? System.Data.DbType.Int64 : System.Data.DbType.String;
            }

            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>The statement's values in column order (@p0, @p1, …).</summary>
    public static object?[] Values(CaseIndexEntry entry, bool sqlite) =>
        [
            sqlite ? entry.CaseId.ToString().ToUpperInvariant() : entry.CaseId, entry.CommunityId, entry.RoutedCommunityId,
            entry.RequestingInstitutionId, entry.RequestedBy, entry.Kind.ToString(), entry.Priority.ToString(),
            entry.Specialty.ToString(), entry.Status.ToString(), entry.PatientId, entry.AssignedReaderId, entry.ClinicalQuestion,
            Millis(entry.OpenedAt), Millis(entry.AssignedAt), Millis(entry.AcceptedAt), Millis(entry.SignedAt),
            Millis(entry.ClosedAt), Millis(entry.SlaDueAt), entry.SlaBreached, Millis(entry.UpdatedAt), entry.Revision,
            Millis(entry.AcceptDueAt), entry.SlaWarned,
        ];

    private static long? Millis(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();
}
