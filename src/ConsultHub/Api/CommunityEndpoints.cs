using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Communities;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// A community's SLA settings and duty roster: read by its admins, readers and auditors, replaced by its admin against
/// the ETag (the community grain's revision), audited.
/// </summary>
internal static class CommunityEndpoints
{
    private const int MaxShifts = 2_000;

    public static void MapCommunities(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder community = api.MapGroup("/communities/{id}").WithTags("Communities");
        community.MapGet("/settings", GetSettingsAsync).WithSummary("SLA per priority, accept timeout, open-case limit, upper-level community, with the ETag");
        community.MapPut("/settings", PutSettingsAsync).WithSummary("Replaces the settings (admin, If-Match; Stat ≤ Urgent ≤ Routine; audited)");
        community.MapGet("/roster", GetRosterAsync).WithSummary("The duty roster (who covers which specialty when, primary or backup), with the ETag");
        community.MapPut("/roster", PutRosterAsync).WithSummary("Replaces the duty roster (admin, If-Match; enrolled readers only; audited)");
    }

    private static async Task<IResult> GetSettingsAsync(string id, HttpContext http, IGrainFactory grains)
    {
        if (!http.Scope().CanReadCommunitySettings(id))
        {
            return Results.Forbid();
        }

        Revised<CommunitySettings> settings = await grains.GetGrain<ICommunityGrain>(id).GetRevisedSettingsAsync();
        return RevisionETag.Ok(http, SettingsView.From(settings.Value), settings.Revision);
    }

    private static Task<IResult> PutSettingsAsync(string id, SettingsView request, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
        AdminProblems.RunAsync("settings", async () =>
        {
            AccessScope scope = http.Scope();
            if (!scope.CanManageCommunity(id))
            {
                await Audit(http, audit, scope, "settings.update", id, "settings", "forbidden");
                return Results.Forbid();
            }

            ICommunityGrain community = grains.GetGrain<ICommunityGrain>(id);
            (int? expected, IResult? failed) = RevisionETag.Precondition(http.Request, (await community.GetRevisedSettingsAsync()).Revision, "settings");
            if (failed is not null)
            {
                await Audit(http, audit, scope, "settings.update", id, "settings", "precondition-failed");
                return failed;
            }

            var errors = new Dictionary<string, string[]>();
            CommunitySettings? settings = request.ToSettings(errors);
            if (settings is not null)
            {
                IReadOnlyList<string> problems = settings.Problems();
                if (problems.Count > 0)
                {
                    errors["settings"] = [.. problems];
                }

                if (settings.UpperLevelCommunityId is { } upper
                    && (upper == id || (await grains.GetGrain<ICommunityGrain>(upper).GetInstitutionsAsync()).Count == 0))
                {
                    errors["upperLevelCommunityId"] = ["another community that defines institutions, or null"];
                }
            }

            if (settings is null || errors.Count > 0)
            {
                await Audit(http, audit, scope, "settings.update", id, "settings", "invalid");
                return Results.ValidationProblem(errors);
            }

            string outcome = "refused";
            try
            {
                int revision = await community.ReviseSettingsAsync(settings, expected);
                outcome = "ok";
                return RevisionETag.Ok(http, SettingsView.From(settings), revision);
            }
            catch (RevisionMismatchException)
            {
                outcome = "precondition-failed";
                throw;
            }
            finally
            {
                await Audit(http, audit, scope, "settings.update", id, "settings", outcome);
            }
        });

    private static async Task<IResult> GetRosterAsync(string id, HttpContext http, IGrainFactory grains)
    {
        if (!http.Scope().CanReadCommunitySettings(id))
        {
            return Results.Forbid();
        }

        Revised<IReadOnlyList<DutyShift>> roster = await grains.GetGrain<ICommunityGrain>(id).GetRosterAsync();
        return RevisionETag.Ok(http, new RosterView(roster.Value), roster.Revision);
    }

    private static Task<IResult> PutRosterAsync(string id, RosterView request, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
        AdminProblems.RunAsync("roster", async () =>
        {
            AccessScope scope = http.Scope();
            if (!scope.CanManageCommunity(id))
            {
                await Audit(http, audit, scope, "roster.update", id, "roster", "forbidden");
                return Results.Forbid();
            }

            ICommunityGrain community = grains.GetGrain<ICommunityGrain>(id);
            (int? expected, IResult? failed) = RevisionETag.Precondition(http.Request, (await community.GetRosterAsync()).Revision, "roster");
            if (failed is not null)
            {
                await Audit(http, audit, scope, "roster.update", id, "roster", "precondition-failed");
                return failed;
            }

            if (request.Shifts is null || request.Shifts.Count > MaxShifts || request.Shifts.Any(s => s is null || string.IsNullOrWhiteSpace(s.ReaderId)))
            {
                await Audit(http, audit, scope, "roster.update", id, "roster", "invalid");
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["shifts"] = [$"a list of at most {MaxShifts} shifts, each naming a reader"],
                });
            }

            string outcome = "invalid";
            try
            {
                int revision = await community.ReviseRosterAsync(request.Shifts, expected);
                outcome = "ok";
                return RevisionETag.Ok(http, new RosterView((await community.GetRosterAsync()).Value), revision);
            }
            catch (RevisionMismatchException)
            {
                outcome = "precondition-failed";
                throw;
            }
            finally
            {
                await Audit(http, audit, scope, "roster.update", id, "roster", outcome);
            }
        });

    private static Task Audit(HttpContext http, AuditTrail audit, AccessScope scope, string action, string communityId, string what, string outcome) =>
        audit.RecordForAsync(http, scope.Caller.UserId, scope.Caller.CommunityId, action, $"community/{communityId}/{what}", outcome);
}

/// <summary>
/// The settings as the API reads and writes them: every field is required on PUT (a replacement, not a patch);
/// durations as "hh:mm:ss" (or "d.hh:mm:ss").
/// </summary>
internal sealed record SettingsView(TimeSpan? StatSla, TimeSpan? UrgentSla, TimeSpan? RoutineSla, TimeSpan? AcceptTimeout, int? MaxOpenCasesPerReader,
    string? UpperLevelCommunityId)
{
    public static SettingsView From(CommunitySettings settings) => new(settings.StatSla, settings.UrgentSla, settings.RoutineSla, settings.AcceptTimeout,
        settings.MaxOpenCasesPerReader, settings.UpperLevelCommunityId);

    public CommunitySettings? ToSettings(Dictionary<string, string[]> errors)
    {
        foreach ((string name, object? value) in new (string, object?)[]
        {
            ("statSla", StatSla), ("urgentSla", UrgentSla), ("routineSla", RoutineSla), ("acceptTimeout", AcceptTimeout), ("maxOpenCasesPerReader", MaxOpenCasesPerReader),
        })
        {
            if (value is null)
            {
                errors[name] = ["required"];
            }
        }

        return errors.Count > 0 ? null : new CommunitySettings
        {
            StatSla = StatSla!.Value,
            UrgentSla = UrgentSla!.Value,
            RoutineSla = RoutineSla!.Value,
            AcceptTimeout = AcceptTimeout!.Value,
            MaxOpenCasesPerReader = MaxOpenCasesPerReader!.Value,
            UpperLevelCommunityId = string.IsNullOrWhiteSpace(UpperLevelCommunityId) ? null : UpperLevelCommunityId.Trim(),
        };
    }
}

/// <summary>The duty roster: shifts with reader, specialty, from, to (ISO 8601 with offset) and role (Primary, Backup).</summary>
internal sealed record RosterView(IReadOnlyList<DutyShift>? Shifts);
