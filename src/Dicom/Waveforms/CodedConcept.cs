using Telemed.Dicom.Data;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Waveforms;

/// <summary>
/// A coded entry (PS3.3 §8.8 Code Sequence Macro, Table 8.8-1): Code Value (0008,0100), Coding Scheme Designator
/// (0008,0102), Code Meaning (0008,0104). Equality is by value and scheme; the meaning is only for people.
/// </summary>
public sealed record CodedConcept(string Value, string Scheme, string Meaning)
{
    private static readonly DicomTag CodeValue = new(0x0008, 0x0100);
    private static readonly DicomTag CodingSchemeDesignator = new(0x0008, 0x0102);
    private static readonly DicomTag CodeMeaning = new(0x0008, 0x0104);
    private static readonly DicomTag LongCodeValue = new(0x0008, 0x0119);

    public bool Equals(CodedConcept? other) =>
        other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal) && string.Equals(Scheme, other.Scheme, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() => HashCode.Combine(Value, Scheme.ToUpperInvariant());

    /// <summary>This concept as one item of a code sequence of <paramref name="parent"/>.</summary>
    public DicomDatasetBuilder ToItem(DicomDatasetBuilder parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return parent.CreateItem().Add("CodeValue", Value).Add("CodingSchemeDesignator", Scheme).Add("CodeMeaning", Meaning);
    }

    /// <summary>The first item of a code sequence, or null when the sequence is absent or empty.</summary>
    public static CodedConcept? FromSequence(DicomDataset dataset, DicomTag sequenceTag)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.TryGetElement(sequenceTag, out DicomElement? element) || element is not DicomSequence { Items.Count: > 0 } sequence)
        {
            return null;
        }

        DicomDataset item = sequence.Items[0];
        // PS3.3 §8.8: Long Code Value replaces Code Value for codes longer than 16 characters.
        string? value = item.GetStringOrNull(CodeValue) ?? item.GetStringOrNull(LongCodeValue);
        return value is null ? null : new CodedConcept(value, item.GetStringOrNull(CodingSchemeDesignator) ?? "", item.GetStringOrNull(CodeMeaning) ?? "");
    }

    public override string ToString() => $"({Value}, {Scheme}, \"{Meaning}\")";
}
