namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// The code systems and identifier namespaces the FHIR resources use. External ones are the URIs FHIR R4 names for
/// them (terminologies.html#external); ours are URNs under "urn:telemed:" (RFC 8141 form), one per kind of id, so a
/// receiving system can tell an institution's local patient id from another institution's.
/// </summary>
internal static class FhirSystems
{
    public const string Loinc = "http://loinc.org";

    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>DICOM's own codes (modalities among them): DICOM PS3.16 as FHIR names it.</summary>
    public const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";

    /// <summary>Identifiers that are URIs themselves ("urn:oid:…" for DICOM UIDs): ImagingStudy.identifier, sopClass.</summary>
    public const string Uri = "urn:ietf:rfc:3986";

    /// <summary>HL7 v2 table 0074, diagnostic service section (EC electrocardiac, RAD radiology): DiagnosticReport.category.</summary>
    public const string DiagnosticServiceSection = "http://terminology.hl7.org/CodeSystem/v2-0074";

    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";

    public const string EndpointConnectionType = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type";

    public const string Case = "urn:telemed:case";

    public const string User = "urn:telemed:user";

    public const string Institution = "urn:telemed:institution";

    public const string RoutingPool = "urn:telemed:routing-pool";

    /// <summary>The community-wide patient id (PatientDirectory's "P" + 16 hex digits) within one community.</summary>
    public static string CommunityPatient(string communityId) => $"urn:telemed:community:{communityId}:patient";

    /// <summary>An institution's local patient id (the DICOM PatientID its devices send).</summary>
    public static string LocalPatient(string institutionId) => $"urn:telemed:institution:{institutionId}:patient";

    /// <summary>A DICOM UID as a URI (RFC 3001 OID URN), as ImagingStudy.identifier and instance.sopClass carry it.</summary>
    public static string OidUrn(string uid) => "urn:oid:" + uid;
}
