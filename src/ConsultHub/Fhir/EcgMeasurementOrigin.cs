namespace Telemed.ConsultHub.Fhir;

/// <summary>Where a global ECG measurement came from (Observation.method says it).</summary>
internal enum EcgMeasurementOrigin
{
    /// <summary>A field of the signed (or draft) report: what the reader confirmed or typed.</summary>
    Report,

    /// <summary>The Waveform Annotation Sequence of the stored DICOM ECG (a cart's or our ingest's measurements).</summary>
    Waveform,

    /// <summary>Computed now by the ECG analysis (Telemed.Ecg) from the stored DICOM ECG.</summary>
    Computed,
}
