using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Dictionary;

/// <summary>
/// The data dictionary of PS3.6 (plus DICONDE/DICOS, as DCMTK's dicom.dic carries them): lookup by tag, including
/// repeating groups and element ranges, and by keyword. The tables live in DicomDictionary.Generated.cs.
/// </summary>
public static partial class DicomDictionary
{
    private const int FirstPseudoVR = 100;

    // Context-dependent VRs in the generator's order: xs, ox, px, lt, up, na (PS3.6 §6 "US or SS" etc.).
    private static readonly DicomVR[][] PseudoVRs =
    [
        [DicomVR.US, DicomVR.SS],
        [DicomVR.OB, DicomVR.OW],
        [DicomVR.OB, DicomVR.OW],
        [DicomVR.US, DicomVR.SS, DicomVR.OW],
        [DicomVR.UL],
        [],
    ];

    private static readonly DicomDictionaryEntry?[] Entries = new DicomDictionaryEntry?[EntryVRs.Length];

    /// <summary>Number of single-tag entries plus ranges.</summary>
    public static int Count => EntryVRs.Length;

    /// <summary>Finds the entry for a tag: an exact entry first, else the first range that contains it.</summary>
    public static bool TryGetEntry(DicomTag tag, out DicomDictionaryEntry entry)
    {
        int index = ExactTags.BinarySearch(tag.Value);
        if (index < 0)
        {
            index = FindRange(tag);
        }

        if (index < 0)
        {
            entry = null!;
            return false;
        }

        entry = GetEntry(index);
        return true;
    }

    /// <summary>Finds an entry by its PS3.6 keyword (ordinal, case-sensitive), e.g. "PatientName".</summary>
    public static bool TryGetEntry(string keyword, out DicomDictionaryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        ReadOnlySpan<ushort> order = KeywordOrder;
        int lo = 0;
        int hi = order.Length - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            int cmp = string.CompareOrdinal(Keyword(order[mid]), keyword);
            if (cmp == 0)
            {
                entry = GetEntry(order[mid]);
                return true;
            }

            if (cmp < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        entry = null!;
        return false;
    }

    /// <summary>The tag of a keyword, e.g. "PatientName" → (0010,0010); throws for an unknown keyword.</summary>
    public static DicomTag GetTag(string keyword) =>
        TryGetEntry(keyword, out DicomDictionaryEntry entry)
            ? entry.First
            : throw new KeyNotFoundException($"'{keyword}' is not a keyword of the data dictionary.");

    /// <summary>The keyword of a tag, or null if the dictionary does not know it.</summary>
    public static string? GetKeyword(DicomTag tag) => TryGetEntry(tag, out DicomDictionaryEntry entry) ? entry.Keyword : null;

    /// <summary>
    /// The VR to use when the transfer syntax does not carry one (Implicit VR, PS3.5 §7.1.3): the dictionary's VR;
    /// for context-dependent VRs the one PS3.5 Annex A prescribes or the usual one (OW for pixel data and "OB or
    /// OW", US for "US or SS"); UN for unknown tags (PS3.5 §6.2.2).
    /// </summary>
    internal static DicomVR ImplicitVR(DicomTag tag)
    {
        int index = ExactTags.BinarySearch(tag.Value);
        if (index < 0)
        {
            index = FindRange(tag);
        }

        if (index < 0)
        {
            return DicomVR.UN;
        }

        int code = EntryVRs[index];
        return code switch
        {
            < FirstPseudoVR => DicomVR.All[code],
            FirstPseudoVR or FirstPseudoVR + 3 => DicomVR.US,
            FirstPseudoVR + 4 => DicomVR.UL,
            FirstPseudoVR + 5 => DicomVR.UN,
            _ => DicomVR.OW, // PS3.5 §A.1 c: implicit VR pixel data (and "OB or OW") is OW
        };
    }

    private static int FindRange(DicomTag tag)
    {
        ReadOnlySpan<uint> groups = RangeGroups;
        ReadOnlySpan<uint> elements = RangeElements;
        ReadOnlySpan<byte> parities = RangeParities;
        for (int r = 0; r < groups.Length; r++)
        {
            if (InRange(tag.Group, groups[r], parities[r] & 0xF) && InRange(tag.Element, elements[r], parities[r] >> 4))
            {
                return ExactTags.Length + r;
            }
        }

        return -1;
    }

    private static bool InRange(ushort value, uint packedRange, int parity)
    {
        uint lo = packedRange >> 16;
        uint hi = packedRange & 0xFFFF;
        return value >= lo && value <= hi && (parity == 2 || (value & 1) == parity);
    }

    private static string Keyword(int index)
    {
        ReadOnlySpan<int> offsets = KeywordOffsets;
        return PackedKeywords[offsets[index]..offsets[index + 1]];
    }

    private static DicomDictionaryEntry GetEntry(int index)
    {
        DicomDictionaryEntry? cached = Volatile.Read(ref Entries[index]);
        if (cached is not null)
        {
            return cached;
        }

        DicomTag first;
        DicomTag last;
        if (index < ExactTags.Length)
        {
            first = last = new DicomTag(ExactTags[index]);
        }
        else
        {
            int r = index - ExactTags.Length;
            uint g = RangeGroups[r];
            uint e = RangeElements[r];
            first = new DicomTag((ushort)(g >> 16), (ushort)(e >> 16));
            last = new DicomTag((ushort)g, (ushort)e);
        }

        int code = EntryVRs[index];
        IReadOnlyList<DicomVR> vrs = code < FirstPseudoVR ? [DicomVR.All[code]] : PseudoVRs[code - FirstPseudoVR];
        byte flags = EntryFlags[index];
        var entry = new DicomDictionaryEntry(
            first, last, Keyword(index), vrs, ValueMultiplicities[EntryVMs[index]], Versions[flags & 0xF], (flags & 0x10) != 0);
        Volatile.Write(ref Entries[index], entry);
        return entry;
    }
}
