using System.Buffers.Binary;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Data;

/// <summary>
/// Encapsulated pixel data (PS3.5 §A.4): a Basic Offset Table item followed by fragments of the compressed
/// stream. Fragments are slices of the parsed buffer, not copies.
/// </summary>
public sealed class DicomFragmentSequence : DicomElement
{
    internal DicomFragmentSequence(
        DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value, long offset, ReadOnlyMemory<byte> basicOffsetTable,
        IReadOnlyList<ReadOnlyMemory<byte>> fragments)
        : base(tag, vr, value, offset, isBigEndian: false)
    {
        BasicOffsetTable = basicOffsetTable;
        Fragments = fragments;
    }

    /// <summary>The raw Basic Offset Table (first item); empty when the encoder left it empty (allowed, PS3.5 §A.4).</summary>
    public ReadOnlyMemory<byte> BasicOffsetTable { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Fragments { get; }

    public override int ValueCount => Fragments.Count;

    /// <summary>
    /// Frame offsets from the Basic Offset Table: 32-bit little-endian byte offsets of each frame's first fragment,
    /// relative to the first byte of the first fragment's item tag (PS3.5 §A.4 Table A.4-1).
    /// </summary>
    public IReadOnlyList<uint> GetBasicOffsets()
    {
        ReadOnlySpan<byte> table = BasicOffsetTable.Span;
        if (table.Length % 4 != 0)
        {
            throw DicomException.At(Offset, Tag, $"Basic Offset Table length {table.Length} is not a multiple of 4");
        }

        var offsets = new uint[table.Length / 4];
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = BinaryPrimitives.ReadUInt32LittleEndian(table[(i * 4)..]);
        }

        return offsets;
    }

    public override string ToString() => $"{Tag} {VR} encapsulated, {Fragments.Count} fragment(s)";
}
