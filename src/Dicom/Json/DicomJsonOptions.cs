using Telemed.Dicom.Data;

namespace Telemed.Dicom.Json;

/// <summary>How <see cref="DicomJsonWriter"/> writes binary values.</summary>
public sealed record DicomJsonOptions
{
    public static DicomJsonOptions Default { get; } = new();

    /// <summary>
    /// The bulk data URI for a binary element (PS3.18 F.2.7), given its path — tag keys and item indexes joined by
    /// slashes, e.g. <c>54000100/0/54001010</c> — or null to write it inline. Without it everything is inline,
    /// except encapsulated pixel data, which is left without a value.
    /// </summary>
    public Func<string, DicomElement, string?>? BulkDataUri { get; init; }

    /// <summary>Binary values up to this many bytes are written inline even when a bulk data URI could be given.</summary>
    public int InlineBinaryLimit { get; init; } = 1024;
}
