namespace Telemed.Storage.Catalog;

/// <summary>
/// The durable state of one grain as JSON, so the case workflow's state lives in the catalog database beside the
/// instances it refers to (one backup: this database plus the blob folder). <see cref="Version"/> is the ETag:
/// a write must name the version it read, which is how concurrent writers are caught.
/// </summary>
public sealed class GrainStateRecord
{
    /// <summary>The state's name as the grain declares it (e.g. "case"), so one grain may keep several states.</summary>
    public required string StateName { get; set; }

    /// <summary>The grain's id as text ("type/key").</summary>
    public required string GrainId { get; set; }

    public required string Json { get; set; }

    public long Version { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}
