namespace Telemed.ConsultHub.Fhir;

/// <summary>One global ECG measurement with where it came from, for Observation.method.</summary>
/// <param name="StudyInstanceUid">The study of the waveform it was read or measured from; null for a report field.</param>
internal sealed record EcgMeasurement(EcgMeasurementCode Code, double Value, EcgMeasurementOrigin Origin, string? StudyInstanceUid = null, string? SopInstanceUid = null);

internal enum EcgMeasurementOrigin
{
    /// <summary>A field of the signed (or draft) report: what the reader confirmed or typed.</summary>
    Report,

    /// <summary>The Waveform Annotation Sequence of the stored DICOM ECG (a cart's or our ingest's measurements).</summary>
    Waveform,

    /// <summary>Computed now by the ECG analysis (Telemed.Ecg) from the stored DICOM ECG.</summary>
    Computed,
}
