using System.Globalization;
using Telemed.Grains.Cases;
using R4 = Hl7.Fhir.Model;

namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// A case as a FHIR R4 ServiceRequest (servicerequest.html): an order (intent) from the requesting institution to the
/// reading pool or the reader it is assigned to, about the patient, for the linked studies, with the clinical question.
/// meta.versionId is the case's revision (its history's length), as the REST API's case ETag.
/// </summary>
internal static class ServiceRequestMapper
{
    public static R4.ServiceRequest Map(CaseView view, R4.ResourceReference subject, R4.ResourceReference requester, R4.ResourceReference? reader)
    {
        ArgumentNullException.ThrowIfNull(view);
        var request = new R4.ServiceRequest
        {
            Id = view.CaseId.ToString(),
            Meta = new R4.Meta
            {
                VersionId = view.History.Count.ToString(CultureInfo.InvariantCulture),
                LastUpdated = view.History.Count > 0 ? view.History[^1].At : view.OpenedAt,
            },
            Identifier = [new R4.Identifier(FhirSystems.Case, view.CaseId.ToString())],
            Status = StatusOf(view.Status),
            Intent = R4.RequestIntent.Order,
            Priority = PriorityOf(view.Priority),
            Code = FhirCodes.StudyOf(view.Kind),
            Subject = subject,
            AuthoredOn = new R4.FhirDateTime(view.OpenedAt).Value,
            Requester = requester,
            PerformerType = new R4.CodeableConcept { Text = view.Specialty.ToString() },
            ReasonCode = [new R4.CodeableConcept { Text = view.ClinicalQuestion }],
            Note = [new R4.Annotation { Text = view.ClinicalQuestion, Time = new R4.FhirDateTime(view.OpenedAt).Value }],
            // The reading is due by the SLA deadline of the case's priority.
            Occurrence = new R4.Period { End = new R4.FhirDateTime(view.SlaDueAt).Value },
            SupportingInfo = [.. view.Studies.Select(uid => new R4.ResourceReference("ImagingStudy/" + uid))],
        };
        request.Performer.Add(reader ?? new R4.ResourceReference
        {
            // Not yet assigned: the pool of the routed community's readers of the specialty (CaseRoutingGrain) reads it.
            Type = "CareTeam",
            Identifier = new R4.Identifier(FhirSystems.RoutingPool, $"{view.RoutedCommunityId}/{view.Specialty}"),
            Display = $"{view.Specialty} readers of {view.RoutedCommunityId}",
        });
        if (view.Ecg is { Flags.Count: > 0 } ecg)
        {
            request.Note.Add(new R4.Annotation { Text = "Automatic ECG analysis: " + string.Join(", ", ecg.Flags) });
        }

        if (view.SecondOpinionOf is { } original)
        {
            // A second opinion is asked on the same order: it fulfils (part of) the original request.
            request.BasedOn.Add(new R4.ResourceReference("ServiceRequest/" + original));
        }

        return request;
    }

    /// <summary>Open cases are active orders; a signed or amended one is completed; a cancelled one revoked (request-status).</summary>
    public static R4.RequestStatus StatusOf(CaseStatus status) => status switch
    {
        CaseStatus.Signed or CaseStatus.Amended => R4.RequestStatus.Completed,
        CaseStatus.Cancelled => R4.RequestStatus.Revoked,
        _ => R4.RequestStatus.Active,
    };

    /// <summary>The case statuses a FHIR request-status stands for (the search's status parameter).</summary>
    public static IReadOnlyList<CaseStatus> CaseStatusesOf(R4.RequestStatus status) =>
        [.. Enum.GetValues<CaseStatus>().Where(s => StatusOf(s) == status)];

    public static R4.RequestPriority PriorityOf(CasePriority priority) => priority switch
    {
        CasePriority.Stat => R4.RequestPriority.Stat,
        CasePriority.Urgent => R4.RequestPriority.Urgent,
        _ => R4.RequestPriority.Routine,
    };
}
