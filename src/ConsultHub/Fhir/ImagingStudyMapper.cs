using System.Globalization;
using Telemed.Storage.Catalog;
using R4 = Hl7.Fhir.Model;

namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// A study of the catalog as an ImagingStudy (imagingstudy.html), id = the Study Instance UID: series and instances
/// (the newest stored version of each SOP instance), modalities as DICOM codes (DCM), and the hub's DICOMweb service as
/// a contained WADO-RS Endpoint, so a client fetches the pixels from /dicomweb/studies/{uid} (DICOM PS3.18).
/// </summary>
internal static class ImagingStudyMapper
{
    private const string EndpointId = "dicomweb";

    public static R4.ImagingStudy Map(string studyInstanceUid, IReadOnlyList<StoredInstance> rows, R4.ResourceReference subject, string dicomWebBase, Guid? caseId)
    {
        ArgumentNullException.ThrowIfNull(rows);
        StoredInstance[] instances = [.. rows.GroupBy(r => r.SopInstanceUid, StringComparer.Ordinal).Select(g => g.MaxBy(r => r.Version)!)];
        var endpoint = new R4.Endpoint
        {
            Id = EndpointId,
            Status = R4.Endpoint.EndpointStatus.Active,
            ConnectionType = new R4.Coding(FhirSystems.EndpointConnectionType, "dicom-wado-rs", "DICOM WADO-RS"),
            Name = "Telemed DICOMweb",
            PayloadType = [new R4.CodeableConcept { Text = "DICOM" }],
            PayloadMimeType = ["application/dicom"],
            Address = dicomWebBase,
        };
        var study = new R4.ImagingStudy
        {
            Id = studyInstanceUid,
            Meta = new R4.Meta { LastUpdated = new DateTimeOffset(DateTime.SpecifyKind(instances.Max(i => i.ReceivedAtUtc), DateTimeKind.Utc)) },
            Contained = [endpoint],
            Identifier = [new R4.Identifier(FhirSystems.Uri, FhirSystems.OidUrn(studyInstanceUid))],
            Status = R4.ImagingStudy.ImagingStudyStatus.Available,
            Modality = [.. instances.Select(i => i.Modality).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(Modality)],
            Subject = subject,
            Started = Started(instances.Select(i => i.StudyDate).FirstOrDefault(d => d is not null)),
            Endpoint = [new R4.ResourceReference("#" + EndpointId)],
            NumberOfInstances = instances.Length,
        };
        if (caseId is { } id)
        {
            study.BasedOn.Add(new R4.ResourceReference("ServiceRequest/" + id));
        }

        if (instances.Select(i => i.AccessionNumber).FirstOrDefault(a => !string.IsNullOrEmpty(a)) is { } accession)
        {
            // The accession number as FHIR's ImagingStudy notes recommend: an identifier of type ACSN.
            study.Identifier.Add(new R4.Identifier { Value = accession, Type = new R4.CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0203", "ACSN") });
        }

        foreach (IGrouping<string, StoredInstance> series in instances.GroupBy(i => i.SeriesInstanceUid, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            StoredInstance first = series.First();
            study.Series.Add(new R4.ImagingStudy.SeriesComponent
            {
                Uid = series.Key,
                Modality = Modality(first.Modality ?? "OT"),
                NumberOfInstances = series.Count(),
                Endpoint = [new R4.ResourceReference("#" + EndpointId)],
                Instance = [.. series.OrderBy(i => i.SopInstanceUid, StringComparer.Ordinal).Select(i => new R4.ImagingStudy.InstanceComponent
                {
                    Uid = i.SopInstanceUid,
                    SopClass = new R4.Coding(FhirSystems.Uri, FhirSystems.OidUrn(i.SopClassUid)),
                })],
            });
        }

        study.NumberOfSeries = study.Series.Count;
        return study;
    }

    private static R4.Coding Modality(string code) => new(FhirSystems.Dicom, code);

    /// <summary>DICOM DA (YYYYMMDD) as a FHIR date; null when absent or not a date.</summary>
    private static string? Started(string? studyDate) =>
        DateOnly.TryParseExact(studyDate, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date)
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;
}
