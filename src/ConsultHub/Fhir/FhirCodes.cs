using Telemed.Grains.Cases;
using R4 = Hl7.Fhir.Model;

namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// The LOINC codes of what is read and reported: the study kinds (ServiceRequest.code, DiagnosticReport.code) and the
/// global ECG measurements (Observation.code), each with its UCUM unit. Codes checked against LOINC as listed in the
/// US Core "Clinical Test" value set (hl7.org/fhir/us/core ValueSet-us-core-clinical-test-codes): 8867-4 Heart rate,
/// 8625-6 P-R interval, 8633-0 QRS duration, 8634-8 Q-T interval, 8636-3 Q-T interval corrected, 8626-4 P wave axis,
/// 8632-2 QRS axis, 8638-9 T wave axis. Report codes: 11524-6 EKG study and 18748-4 Diagnostic imaging study (LOINC
/// document/study names), 11488-4 Consult note (C-CDA's Consult Document Type value set).
/// The same LOINC codes name the measurements in DICOM waveform annotations (PS3.16 CID 3250-3255 use them), so
/// what a cart wrote and what we compute map onto one code each.
/// </summary>
internal static class FhirCodes
{
    public static readonly EcgMeasurementCode HeartRate = new("heart-rate", "8867-4", "Heart rate", "/min", "beats/minute");

    public static readonly EcgMeasurementCode PrInterval = new("pr-interval", "8625-6", "P-R interval", "ms", "ms");

    public static readonly EcgMeasurementCode QrsDuration = new("qrs-duration", "8633-0", "QRS duration", "ms", "ms");

    public static readonly EcgMeasurementCode QtInterval = new("qt-interval", "8634-8", "Q-T interval", "ms", "ms");

    public static readonly EcgMeasurementCode QtcInterval = new("qtc-interval", "8636-3", "Q-T interval corrected", "ms", "ms");

    /// <summary>Not measured by our analysis (it gives the frontal QRS axis only); mapped when a cart's annotation has it.</summary>
    public static readonly EcgMeasurementCode PAxis = new("p-axis", "8626-4", "P wave axis", "deg", "degree");

    public static readonly EcgMeasurementCode QrsAxis = new("qrs-axis", "8632-2", "QRS axis", "deg", "degree");

    /// <summary>As <see cref="PAxis"/>.</summary>
    public static readonly EcgMeasurementCode TAxis = new("t-axis", "8638-9", "T wave axis", "deg", "degree");

    /// <summary>In the order a report lists them.</summary>
    public static IReadOnlyList<EcgMeasurementCode> EcgMeasurements { get; } = [HeartRate, PrInterval, QrsDuration, QtInterval, QtcInterval, PAxis, QrsAxis, TAxis];

    public static R4.CodeableConcept StudyOf(CaseKind kind) => kind switch
    {
        CaseKind.EcgRead => Loinc("11524-6", "EKG study"),
        CaseKind.ImagingRead => Loinc("18748-4", "Diagnostic imaging study"),
        _ => Loinc("11488-4", "Consult note"),
    };

    public static R4.CodeableConcept Loinc(string code, string display) => new(FhirSystems.Loinc, code, display, display);
}
