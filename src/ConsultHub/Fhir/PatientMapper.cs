using System.Globalization;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Patients;
using R4 = Hl7.Fhir.Model;

namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// A community patient as a Patient (patient.html): the community-wide id and each institution's local id as
/// identifiers (staff see their own institution's only, as in the REST API), the DICOM PN as names, sex as gender.
/// A merged duplicate is inactive with a replaced-by link to the patient it was merged into.
/// </summary>
internal static class PatientMapper
{
    /// <summary>ISO 21090 EN.representation (core extension): which DICOM PN group a name is — alphabetic, ideographic, phonetic.</summary>
    private const string Representation = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";

    public static R4.Patient Map(Patient patient, AccessScope scope)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(scope);
        var result = new R4.Patient
        {
            Id = patient.Id,
            Meta = new R4.Meta
            {
                VersionId = patient.Version.ToString(CultureInfo.InvariantCulture),
                LastUpdated = new DateTimeOffset(DateTime.SpecifyKind(patient.UpdatedAtUtc, DateTimeKind.Utc)),
            },
            Identifier = [new R4.Identifier(FhirSystems.CommunityPatient(patient.CommunityId), patient.Id) { Use = R4.Identifier.IdentifierUse.Official }],
            Active = patient.MergedIntoId is null,
            Name = Names(patient.Name),
            Gender = patient.Sex switch
            {
                "M" => R4.AdministrativeGender.Male,
                "F" => R4.AdministrativeGender.Female,
                "O" => R4.AdministrativeGender.Other,
                _ => R4.AdministrativeGender.Unknown,
            },
            BirthDate = patient.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        result.Identifier.AddRange(patient.Identifiers
            .Where(i => !scope.IsStaff || i.InstitutionId == scope.Caller.InstitutionId)
            .Select(i => new R4.Identifier(FhirSystems.LocalPatient(i.InstitutionId), i.LocalId) { Use = R4.Identifier.IdentifierUse.Usual }));
        if (patient.MergedIntoId is { } target)
        {
            result.Link.Add(new R4.Patient.LinkComponent { Other = new R4.ResourceReference("Patient/" + target), Type = R4.Patient.LinkType.ReplacedBy });
        }

        return result;
    }

    /// <summary>
    /// DICOM PN (PS3.5 §6.2.1): up to three '='-separated groups (alphabetic, ideographic, phonetic), each
    /// family^given^middle^prefix^suffix. One HumanName per non-empty group, marked with its representation.
    /// </summary>
    public static List<R4.HumanName> Names(string personName)
    {
        string[] representations = ["ABC", "IDE", "SYL"];
        var names = new List<R4.HumanName>();
        string[] groups = (personName ?? string.Empty).Split('=');
        for (int g = 0; g < Math.Min(groups.Length, representations.Length); g++)
        {
            string[] parts = groups[g].Split('^');
            string Part(int i) => i < parts.Length ? parts[i].Trim() : string.Empty;
            if (parts.All(p => p.Trim().Length == 0))
            {
                continue;
            }

            var name = new R4.HumanName { Use = R4.HumanName.NameUse.Official };
            name.Family = Part(0).Length > 0 ? Part(0) : null;
            name.Given = [.. new[] { Part(1), Part(2) }.Where(p => p.Length > 0)];
            name.Prefix = Part(3).Length > 0 ? [Part(3)] : [];
            name.Suffix = Part(4).Length > 0 ? [Part(4)] : [];
            // Ideographic names (Chinese) are written family name first without a space: 王小明.
            name.Text = g == 1 ? Part(0) + Part(1) + Part(2) : string.Join(' ', new[] { Part(3), Part(1), Part(2), Part(0), Part(4) }.Where(p => p.Length > 0));
            name.Extension.Add(new R4.Extension(Representation, new R4.Code(representations[g])));
            names.Add(name);
        }

        return names;
    }
}
