using System.Globalization;
using System.Text;
using Telemed.Grains.Cases;
using Telemed.Grains.Reports;
using R4 = Hl7.Fhir.Model;

namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// The report of a case as a DiagnosticReport (diagnosticreport.html), id = the case id (the report grain's key):
/// preliminary while only a draft exists, final once signed, amended after an amendment (diagnostic-report-status);
/// the latest signed version's impression as conclusion, its signer as resultsInterpreter, the printable report as
/// presentedForm, and the ECG's global measurements as contained Observations in result.
/// meta.versionId is the report's revision (the REST API's report ETag).
/// </summary>
internal static class DiagnosticReportMapper
{
    public static R4.DiagnosticReport Map(
        CaseView view, ReportView report, R4.ResourceReference subject, R4.ResourceReference? interpreter,
        IReadOnlyList<EcgMeasurement> measurements, string? printable)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(report);
        ReportVersion? latest = report.Versions.Count > 0 ? report.Versions[^1] : null;
        ReportContent? content = latest?.Content ?? report.Draft;
        R4.DiagnosticReport.DiagnosticReportStatus status = StatusOf(view, report);
        string? effective = new R4.FhirDateTime(view.OpenedAt).Value;
        var result = new R4.DiagnosticReport
        {
            Id = view.CaseId.ToString(),
            Meta = new R4.Meta
            {
                VersionId = report.Revision.ToString(CultureInfo.InvariantCulture),
                LastUpdated = latest?.SignedAt ?? (view.History.Count > 0 ? view.History[^1].At : view.OpenedAt),
            },
            BasedOn = [new R4.ResourceReference("ServiceRequest/" + view.CaseId)],
            Status = status,
            Category = [Category(view.Kind)],
            Code = FhirCodes.StudyOf(view.Kind),
            Subject = subject,
            Effective = new R4.FhirDateTime(effective),
            Issued = latest?.SignedAt,
            ImagingStudy = [.. view.Studies.Select(uid => new R4.ResourceReference("ImagingStudy/" + uid))],
            Conclusion = string.IsNullOrWhiteSpace(content?.Impression) ? null : content.Impression,
        };
        if (interpreter is not null)
        {
            result.ResultsInterpreter.Add(interpreter);
        }

        R4.ObservationStatus observationStatus = status switch
        {
            R4.DiagnosticReport.DiagnosticReportStatus.Final => R4.ObservationStatus.Final,
            R4.DiagnosticReport.DiagnosticReportStatus.Amended => R4.ObservationStatus.Amended,
            R4.DiagnosticReport.DiagnosticReportStatus.Cancelled => R4.ObservationStatus.Cancelled,
            _ => R4.ObservationStatus.Preliminary,
        };
        foreach (EcgMeasurement measurement in measurements)
        {
            R4.Observation observation = EcgObservationMapper.Map(measurement, observationStatus, subject, effective);
            result.Contained.Add(observation);
            result.Result.Add(new R4.ResourceReference("#" + observation.Id) { Display = measurement.Code.Display });
        }

        if (printable is not null)
        {
            result.PresentedForm.Add(new R4.Attachment
            {
                ContentType = "text/html; charset=utf-8",
                Data = Encoding.UTF8.GetBytes(printable),
                Title = latest is null ? "Draft report" : $"Report version {latest.Number}",
                Creation = latest is null ? null : new R4.FhirDateTime(latest.SignedAt).Value,
            });
        }

        return result;
    }

    public static R4.DiagnosticReport.DiagnosticReportStatus StatusOf(CaseView view, ReportView report) => report.Versions.Count switch
    {
        0 when view.Status == CaseStatus.Cancelled => R4.DiagnosticReport.DiagnosticReportStatus.Cancelled,
        0 => R4.DiagnosticReport.DiagnosticReportStatus.Preliminary,
        1 => R4.DiagnosticReport.DiagnosticReportStatus.Final,
        _ => R4.DiagnosticReport.DiagnosticReportStatus.Amended,
    };

    private static R4.CodeableConcept Category(CaseKind kind) => kind switch
    {
        CaseKind.EcgRead => new R4.CodeableConcept(FhirSystems.DiagnosticServiceSection, "EC", "Electrocardiac (e.g., EKG, EEC, Holter)"),
        CaseKind.ImagingRead => new R4.CodeableConcept(FhirSystems.DiagnosticServiceSection, "RAD", "Radiology"),
        _ => new R4.CodeableConcept { Text = "Consultation" },
    };
}
