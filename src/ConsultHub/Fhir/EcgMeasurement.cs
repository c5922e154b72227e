namespace Telemed.ConsultHub.Fhir;

/// <summary>One global ECG measurement with where it came from, for Observation.method.</summary>
/// <param name="StudyInstanceUid">The study of the waveform it was read or measured from; null for a report field.</param>
internal sealed record EcgMeasurement(EcgMeasurementCode Code, double Value, EcgMeasurementOrigin Origin, string? StudyInstanceUid = null, string? SopInstanceUid = null);
