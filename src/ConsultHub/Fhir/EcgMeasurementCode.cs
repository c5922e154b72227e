namespace Telemed.ConsultHub.Fhir;

/// <summary>One global ECG measurement: its LOINC code and UCUM unit (code and the human-readable unit).</summary>
internal sealed record EcgMeasurementCode(string Id, string Loinc, string Display, string UcumCode, string Unit);
