namespace Telemed.Dicom.Waveforms;

/// <summary>
/// Concepts of the Waveform Annotation Sequence we write (PS3.3 C.10.10): global ECG measurements as LOINC codes
/// (the scheme PS3.16 uses for ECG global measurements), units as UCUM (CID 82), and the QRS markers.
/// </summary>
public static class EcgAnnotationCodes
{
    public static CodedConcept HeartRate { get; } = new("8867-4", "LN", "Heart rate");

    public static CodedConcept PrInterval { get; } = new("8625-6", "LN", "P-R Interval");

    public static CodedConcept QrsDuration { get; } = new("8633-0", "LN", "QRS duration");

    public static CodedConcept QtInterval { get; } = new("8634-8", "LN", "Q-T interval");

    public static CodedConcept QtcInterval { get; } = new("8636-3", "LN", "Q-T interval corrected");

    public static CodedConcept QrsAxis { get; } = new("8632-2", "LN", "QRS axis");

    /// <summary>
    /// Detected QRS complexes (beat fiducials). A local code (PS3.3 §8.2: designators starting "99" are private),
    /// so no viewer mistakes our detector's marks for a coded standard beat classification.
    /// </summary>
    public static CodedConcept QrsComplex { get; } = new("QRS", "99TELEMED", "QRS complex");

    public static CodedConcept Millisecond { get; } = new("ms", "UCUM", "millisecond");

    public static CodedConcept PerMinute { get; } = new("/min", "UCUM", "per minute");

    public static CodedConcept Degree { get; } = new("deg", "UCUM", "degree");

    public static CodedConcept Microvolt { get; } = new("uV", "UCUM", "microvolt");
}
