using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Data;

/// <summary>A sequence element (VR SQ, PS3.5 §7.5): items, each a nested data set.</summary>
public sealed class DicomSequence : DicomElement
{
    internal DicomSequence(
        DicomTag tag, ReadOnlyMemory<byte> value, long offset, bool isBigEndian, IReadOnlyList<DicomDataset> items, bool hasUndefinedLength)
        : base(tag, DicomVR.SQ, value, offset, isBigEndian)
    {
        Items = items;
        HasUndefinedLength = hasUndefinedLength;
    }

    public IReadOnlyList<DicomDataset> Items { get; }

    /// <summary>The sequence was delimited by a Sequence Delimitation Item rather than a length (PS3.5 §7.5.2).</summary>
    public bool HasUndefinedLength { get; }

    public override int ValueCount => Items.Count;

    public override string ToString() => $"{Tag} SQ {Items.Count} item(s)";
}
