using R4 = Hl7.Fhir.Model;

namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// What this server does, as the CapabilityStatement FHIR clients read first (capabilitystatement.html, http.html#capabilities):
/// read of ServiceRequest (cases), ImagingStudy, DiagnosticReport (with contained ECG Observations) and Patient;
/// search of ServiceRequest by patient and status; JSON only.
/// </summary>
internal static class CapabilityStatementMapper
{
    public static R4.CapabilityStatement Map(string baseUrl, DateTimeOffset published)
    {
        var read = new R4.CapabilityStatement.ResourceInteractionComponent { Code = R4.CapabilityStatement.TypeRestfulInteraction.Read };
        R4.CapabilityStatement.ResourceComponent Resource(R4.ResourceType type, string documentation) => new()
        {
            Type = type.ToString(),
            Interaction = [read],
            Versioning = R4.CapabilityStatement.ResourceVersionPolicy.Versioned,
            ReadHistory = false,
            Documentation = documentation,
        };

        R4.CapabilityStatement.ResourceComponent serviceRequest = Resource(R4.ResourceType.ServiceRequest,
            "A read or consultation case: id is the case id.");
        serviceRequest.Interaction.Add(new R4.CapabilityStatement.ResourceInteractionComponent { Code = R4.CapabilityStatement.TypeRestfulInteraction.SearchType });
        serviceRequest.SearchParam =
        [
            new() { Name = "patient", Type = R4.SearchParamType.Reference, Definition = "http://hl7.org/fhir/SearchParameter/clinical-patient", Documentation = "Patient/{id} or a community patient id" },
            new() { Name = "status", Type = R4.SearchParamType.Token, Definition = "http://hl7.org/fhir/SearchParameter/ServiceRequest-status", Documentation = "active, completed or revoked (comma-separated for any of them)" },
            new() { Name = "_count", Type = R4.SearchParamType.Number, Documentation = $"page size, 0–{FhirEndpoints.MaxCount} (default {FhirEndpoints.DefaultCount}; 0: the total only)" },
            new() { Name = "_offset", Type = R4.SearchParamType.Number, Documentation = "rows to skip, as the next link gives it" },
        ];

        return new R4.CapabilityStatement
        {
            Url = baseUrl + "/metadata",
            Name = "TelemedConsultHub",
            Title = "Telemed ConsultHub FHIR R4 read API",
            Status = R4.PublicationStatus.Active,
            Date = published.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Publisher = "Telemed",
            Kind = R4.CapabilityStatementKind.Instance,
            Software = new R4.CapabilityStatement.SoftwareComponent { Name = "Telemed ConsultHub" },
            Implementation = new R4.CapabilityStatement.ImplementationComponent { Description = "Telemed ConsultHub", Url = baseUrl },
            FhirVersion = R4.FHIRVersion.N4_0_1,
            Format = ["json", FhirResponse.MediaType],
            Rest =
            [
                new R4.CapabilityStatement.RestComponent
                {
                    Mode = R4.CapabilityStatement.RestfulCapabilityMode.Server,
                    Security = new R4.CapabilityStatement.SecurityComponent
                    {
                        Cors = false,
                        Description = "As the REST API: a session cookie from POST /api/auth/login or Authorization: Bearer <API token>. "
                            + "Scope as /api: staff their institution's patients, readers their community's; every read is audited.",
                    },
                    Resource =
                    [
                        serviceRequest,
                        Resource(R4.ResourceType.ImagingStudy, "A study of the catalog: id is the Study Instance UID; pixels via the contained DICOMweb (WADO-RS) endpoint."),
                        Resource(R4.ResourceType.DiagnosticReport, "The report of a case: id is the case id; ECG measurements as contained Observations (LOINC, UCUM)."),
                        Resource(R4.ResourceType.Patient, "A community patient: id is the community-wide patient id."),
                    ],
                },
            ],
        };
    }
}
