using Telemed.Dicom.Data;

namespace Telemed.Dicom.Network;

/// <summary>What a <see cref="FindScu"/> query returned: the matches (Pending identifiers) and the final status.</summary>
public sealed record FindResult(IReadOnlyList<DicomDataset> Matches, ushort Status, string? ErrorComment);
