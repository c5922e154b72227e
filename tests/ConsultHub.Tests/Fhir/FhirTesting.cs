using System.Net;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Xunit;

namespace Telemed.ConsultHub.Tests.Fhir;

/// <summary>
/// What a FHIR client does with our responses: parse them with Firely's deserializer in strict mode (unknown elements,
/// wrong types, bad primitives all fail) and validate them against the R4 core profiles with the Firely validator
/// over the specification zip (offline; terminology from the zip's own value sets).
/// </summary>
internal static class FhirTesting
{
    private static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    private static readonly Lazy<Validator> Validator = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, new LocalTerminologyService(resolver));
    });

    private static readonly Lock ValidatorGate = new();

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
        where T : Resource
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        T resource = Parse<T>(body);
        AssertValid(resource);
        return resource;
    }

    public static T Parse<T>(string json)
        where T : Resource => Strict.Deserialize<T>(json);

    public static void AssertValid(Resource resource)
    {
        OperationOutcome outcome;
        lock (ValidatorGate)
        {
            outcome = Validator.Value.Validate(resource);
        }

        // Errors fail; warnings (e.g. a code system the offline terminology does not know) are allowed.
        Assert.True(outcome.Issue.All(i => i.Severity is not (OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)),
            $"{resource.TypeName}/{resource.Id} is not valid FHIR R4: {outcome}");
    }

    /// <summary>An error as FHIR answers it: the status and an OperationOutcome whose issue has the given code.</summary>
    public static async Task<OperationOutcome> AssertOutcomeAsync(HttpResponseMessage response, HttpStatusCode status, OperationOutcome.IssueType code)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        OperationOutcome outcome = Strict.Deserialize<OperationOutcome>(body);
        AssertValid(outcome);
        OperationOutcome.IssueComponent issue = Assert.Single(outcome.Issue);
        Assert.Equal(code, issue.Code);
        Assert.Equal(OperationOutcome.IssueSeverity.Error, issue.Severity);
        Assert.False(string.IsNullOrEmpty(issue.Diagnostics));
        return outcome;
    }
}
