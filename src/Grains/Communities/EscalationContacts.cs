namespace Telemed.Grains.Communities;

/// <summary>Who hears of an SLA breach: the rostered backup (or another reader on duty) and the department head.</summary>
[GenerateSerializer, Immutable]
public sealed record EscalationContacts(string? BackupReaderId, string? DepartmentHeadId);
