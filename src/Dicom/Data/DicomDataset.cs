using System.Collections;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Telemed.Dicom.Text;

namespace Telemed.Dicom.Data;

/// <summary>
/// A data set (PS3.5 §7): elements in ascending tag order, found by binary search over a parallel array of tags.
/// Immutable once read. Text getters decode with the data set's Specific Character Set, inherited by sequence items
/// that do not set their own (PS3.5 §7.5.3).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "PS3.5 names it a Data Set; the domain name wins.")]
public sealed class DicomDataset : IReadOnlyCollection<DicomElement>
{
    private readonly uint[] tags;
    private readonly DicomElement[] elements;

    internal DicomDataset(List<DicomElement> elementsInStreamOrder, DicomCharacterSet inheritedCharacterSet)
    {
        elements = [.. elementsInStreamOrder];
        bool sortedAndUnique = true;
        for (int i = 1; i < elements.Length; i++)
        {
            sortedAndUnique &= elements[i - 1].Tag.Value < elements[i].Tag.Value;
        }

        if (!sortedAndUnique)
        {
            // PS3.5 §7.1 requires ascending, unique tags, but readers meet files that break it. Sort stably and keep
            // the first of any duplicates, as DCMTK does, so lookup is unambiguous.
            elements = [.. elements.OrderBy(e => e.Tag.Value).DistinctBy(e => e.Tag.Value)];
        }

        tags = new uint[elements.Length];
        for (int i = 0; i < elements.Length; i++)
        {
            tags[i] = elements[i].Tag.Value;
        }

        CharacterSet = TryGetElement(DicomTag.SpecificCharacterSet, out DicomElement? charset) && charset.VR.IsText
            ? DicomCharacterSet.FromSpecificCharacterSet(charset.GetString())
            : inheritedCharacterSet;
    }

    /// <summary>The character set text values of this data set are decoded with.</summary>
    public DicomCharacterSet CharacterSet { get; private set; }

    /// <summary>This item was encoded with undefined length and an Item Delimitation Item (PS3.5 §7.5.1).</summary>
    public bool HasUndefinedLength { get; internal set; }

    public int Count => elements.Length;

    /// <summary>Parses a bare data set (no preamble, no File Meta Information) in the given transfer syntax.</summary>
    public static DicomDataset Parse(ReadOnlyMemory<byte> data, DicomTransferSyntax transferSyntax, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transferSyntax);
        return DicomFile.ParseBody(data, 0, transferSyntax, options ?? DicomReadOptions.Default);
    }

    public bool Contains(DicomTag tag) => Array.BinarySearch(tags, tag.Value) >= 0;

    public bool TryGetElement(DicomTag tag, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DicomElement? element)
    {
        int index = IndexOf(tag);
        element = index >= 0 ? elements[index] : null;
        return element is not null;
    }

    /// <summary>The element with this tag; a <see cref="DicomException"/> if the data set has none.</summary>
    public DicomElement this[DicomTag tag] =>
        TryGetElement(tag, out DicomElement? element) ? element : throw new DicomException($"{tag} is not present in the data set") { Tag = tag };

    public string GetString(DicomTag tag) => this[tag].GetString(CharacterSet);

    /// <summary>The text value, or null when the element is absent.</summary>
    public string? GetStringOrNull(DicomTag tag) => TryGetElement(tag, out DicomElement? e) ? e.GetString(CharacterSet) : null;

    public IReadOnlyList<string> GetStrings(DicomTag tag) => this[tag].GetStrings(CharacterSet);

    public string GetUid(DicomTag tag) => this[tag].GetUid();

    public ushort GetUInt16(DicomTag tag, int index = 0) => this[tag].GetUInt16(index);

    public uint GetUInt32(DicomTag tag, int index = 0) => this[tag].GetUInt32(index);

    public int GetInt32(DicomTag tag, int index = 0) => this[tag].GetInt32(index);

    public double GetDouble(DicomTag tag, int index = 0) => this[tag].GetDouble(index);

    public DateOnly GetDate(DicomTag tag, int index = 0) => this[tag].GetDate(index);

    public DicomPersonName GetPersonName(DicomTag tag, int index = 0) => this[tag].GetPersonName(CharacterSet, index);

    public DicomSequence GetSequence(DicomTag tag) =>
        this[tag] as DicomSequence ?? throw DicomException.At(this[tag].Offset, tag, "is not a sequence");

    public IEnumerator<DicomElement> GetEnumerator() => ((IEnumerable<DicomElement>)elements).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Used once while reading, before the data set is handed out: sets the character set here and in every
    /// item that inherits it, i.e. has no (0008,0005) of its own (PS3.5 §7.5.3).
    /// </summary>
    internal void ReplaceCharacterSet(DicomCharacterSet to)
    {
        CharacterSet = to;
        foreach (DicomElement element in elements)
        {
            if (element is DicomSequence sequence)
            {
                foreach (DicomDataset item in sequence.Items.Where(i => !i.Contains(DicomTag.SpecificCharacterSet)))
                {
                    item.ReplaceCharacterSet(to);
                }
            }
        }
    }

    private int IndexOf(DicomTag tag) => Array.BinarySearch(tags, tag.Value);
}
