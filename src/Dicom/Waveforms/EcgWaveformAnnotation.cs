namespace Telemed.Dicom.Waveforms;

/// <summary>
/// One item of the Waveform Annotation Sequence (PS3.3 C.10.10): a coded concept with a numeric value and unit
/// (a measurement), or with referenced sample positions (marks such as QRS), or free text.
/// </summary>
/// <param name="Group">Annotation Group Number (0040,A180): annotations of one source share it.</param>
/// <param name="Concept">Concept Name Code Sequence (0040,A043); null for text-only annotations.</param>
/// <param name="Text">Unformatted Text Value (0070,0006).</param>
/// <param name="NumericValue">Numeric Value (0040,A30A), the first value.</param>
/// <param name="Unit">Measurement Units Code Sequence (0040,08EA).</param>
/// <param name="SampleIndices">Referenced Sample Positions (0040,A132) as 0-based sample indices (the attribute counts from 1).</param>
public sealed record EcgWaveformAnnotation(
    int Group,
    CodedConcept? Concept,
    string? Text,
    double? NumericValue,
    CodedConcept? Unit,
    IReadOnlyList<long> SampleIndices);
