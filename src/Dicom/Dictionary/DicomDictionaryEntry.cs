using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Dictionary;

/// <summary>One attribute of the data dictionary (PS3.6 §6), or a range of them such as the repeating groups 60xx.</summary>
public sealed class DicomDictionaryEntry
{
    internal DicomDictionaryEntry(
        DicomTag first, DicomTag last, string keyword, IReadOnlyList<DicomVR> valueRepresentations,
        string valueMultiplicity, string version, bool isRetired)
    {
        First = first;
        Last = last;
        Keyword = keyword;
        ValueRepresentations = valueRepresentations;
        ValueMultiplicity = valueMultiplicity;
        Version = version;
        IsRetired = isRetired;
    }

    /// <summary>The tag, or for a range its lowest tag (e.g. (6000,0010) for Overlay Rows).</summary>
    public DicomTag First { get; }

    /// <summary>Equal to <see cref="First"/> for a single tag; the highest tag of a range.</summary>
    public DicomTag Last { get; }

    public bool IsRange => First != Last;

    /// <summary>The PS3.6 keyword, e.g. PatientName (without DCMTK's RETIRED_ prefix).</summary>
    public string Keyword { get; }

    /// <summary>
    /// The VR, or the VRs an attribute may take depending on context (PS3.6: "US or SS", "OB or OW").
    /// Empty for items and delimiters, which have none.
    /// </summary>
    public IReadOnlyList<DicomVR> ValueRepresentations { get; }

    /// <summary>The VR when the dictionary gives exactly one; null when it depends on context or does not apply.</summary>
    public DicomVR? VR => ValueRepresentations.Count == 1 ? ValueRepresentations[0] : null;

    /// <summary>PS3.6 value multiplicity, e.g. "1", "1-n", "2-2n".</summary>
    public string ValueMultiplicity { get; }

    /// <summary>DCMTK's source of the definition: DICOM, DICOM/retired, DICOM/DICONDE, DICOM/DICOS, GENERIC, ILLEGAL, PRIVATE.</summary>
    public string Version { get; }

    public bool IsRetired { get; }

    public override string ToString() =>
        $"{First}{(IsRange ? "-" + Last : "")} {string.Join(" or ", ValueRepresentations)} {Keyword} VM {ValueMultiplicity}";
}
