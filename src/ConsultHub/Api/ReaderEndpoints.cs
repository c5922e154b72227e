using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Communities;
using Telemed.Grains.Readers;
using Telemed.Storage.Accounts;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The community's readers: who reads what, on duty or not, open cases, presence (admins and readers); enrolment of a
/// cardiologist or radiologist user by the admin; duty started and ended by the reader or their admin (audited). A
/// reader put on duty is in their pools at once: waiting cases are dispatched to them.
/// </summary>
internal static class ReaderEndpoints
{
    public static void MapReaders(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder readers = api.MapGroup("/readers").WithTags("Readers");
        readers.MapGet("/", ListAsync).WithSummary("The readers of the caller's community: specialties, on duty, open cases, presence");
        readers.MapPost("/", EnrolAsync).WithSummary("Enrols a cardiologist or radiologist user of the admin's community as a reader with specialties (audited)");
        readers.MapPost("/{id}/duty/start", (string id, HttpContext http, IGrainFactory grains, AuditTrail audit) => DutyAsync(id, true, http, grains, audit))
            .WithSummary("Puts the reader on duty: they receive cases of their specialties (the reader or their admin; audited)");
        readers.MapPost("/{id}/duty/end", (string id, HttpContext http, IGrainFactory grains, AuditTrail audit) => DutyAsync(id, false, http, grains, audit))
            .WithSummary("Takes the reader off duty; cases already theirs stay theirs (the reader or their admin; audited)");
    }

    private static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains)
    {
        AccessScope scope = http.Scope();
        if (!scope.CanSeeReaders(scope.Caller.CommunityId))
        {
            return Results.Forbid();
        }

        IReadOnlyList<ReaderEnrolment> enrolments = await grains.GetGrain<ICommunityGrain>(scope.Caller.CommunityId).GetEnrolmentsAsync();
        ReaderStatus[] statuses = await Task.WhenAll(enrolments.Select(e => grains.GetGrain<IReaderGrain>(e.ReaderId).GetStatusAsync()));
        return Results.Ok(enrolments.Zip(statuses, (e, s) => new ReaderView(e.ReaderId, s.Name, e.InstitutionId, s.Specialties, s.OnDuty, s.OpenCases, s.Presence)));
    }

    private static Task<IResult> EnrolAsync(EnrolReaderRequest request, HttpContext http, IGrainFactory grains, UserDirectory users, AuditTrail audit) =>
        AdminProblems.RunAsync("reader", async () =>
        {
            AccessScope scope = http.Scope();
            UserAccount? user = string.IsNullOrWhiteSpace(request.UserId) ? null : await users.FindAsync(request.UserId, http.RequestAborted);
            if (!scope.IsAdmin || (user is not null && !scope.CanManageCommunity(user.CommunityId)))
            {
                await Audit(http, audit, scope, "reader.enrol", request.UserId, "forbidden");
                return Results.Forbid();
            }

            var errors = new Dictionary<string, string[]>();
            if (user is null)
            {
                errors["userId"] = ["no such user"];
            }
            else if (user.Role is not (UserRole.Cardiologist or UserRole.Radiologist))
            {
                errors["userId"] = ["only cardiologists and radiologists read"];
            }

            if (request.Specialties is not { Length: > 0 } specialties || specialties.Any(s => !Enum.IsDefined(s)))
            {
                errors["specialties"] = [$"one or more of {string.Join(", ", Enum.GetNames<Specialty>())}"];
            }

            if (errors.Count > 0)
            {
                await Audit(http, audit, scope, "reader.enrol", request.UserId, "invalid");
                return Results.ValidationProblem(errors);
            }

            var enrolment = new ReaderEnrolment(user!.Id, user.DisplayName, user.InstitutionId, [.. request.Specialties!.Distinct()]);
            string outcome = "refused";
            try
            {
                await grains.GetGrain<ICommunityGrain>(user.CommunityId).EnrolReaderAsync(enrolment);
                outcome = "ok";
            }
            finally
            {
                await Audit(http, audit, scope, "reader.enrol", user.Id, outcome);
            }

            ReaderStatus status = await grains.GetGrain<IReaderGrain>(user.Id).GetStatusAsync();
            return Results.Created($"/api/readers/{user.Id}",
                new ReaderView(user.Id, status.Name, enrolment.InstitutionId, status.Specialties, status.OnDuty, status.OpenCases, status.Presence));
        });

    private static async Task<IResult> DutyAsync(string id, bool start, HttpContext http, IGrainFactory grains, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        string action = start ? "reader.duty-start" : "reader.duty-end";
        IReaderGrain reader = grains.GetGrain<IReaderGrain>(id);
        ReaderStatus status = await reader.GetStatusAsync();
        if (status.CommunityId is null || !scope.CanSetDutyOf(id, status.CommunityId))
        {
            await Audit(http, audit, scope, action, id, "forbidden");
            // An unknown reader and one out of scope look alike, except to the admin of the caller's own community.
            return status.CommunityId is null && scope.IsAdmin ? Results.Problem(statusCode: 404, title: $"no reader {id}") : Results.Forbid();
        }

        if (start)
        {
            await reader.StartDutyAsync();
        }
        else
        {
            await reader.EndDutyAsync();
        }

        await Audit(http, audit, scope, action, id, "ok");
        status = await reader.GetStatusAsync();
        return Results.Ok(new ReaderView(id, status.Name, null, status.Specialties, status.OnDuty, status.OpenCases, status.Presence));
    }

    private static Task Audit(HttpContext http, AuditTrail audit, AccessScope scope, string action, string? id, string outcome) =>
        audit.RecordForAsync(http, scope.Caller.UserId, scope.Caller.CommunityId, action, "reader/" + (id ?? "-"), outcome);
}

internal sealed record EnrolReaderRequest(string? UserId, Specialty[]? Specialties);

internal sealed record ReaderView(string Id, string Name, string? InstitutionId, IReadOnlyList<Specialty> Specialties, bool OnDuty, int OpenCases, Presence Presence);
