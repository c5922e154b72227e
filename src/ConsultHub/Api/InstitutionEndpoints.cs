using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Communities;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The institutions directory: staff see their own institution, everyone else their community's tree; the community's
/// admin adds institutions under a parent and renames them (If-Match), audited.
/// </summary>
internal static class InstitutionEndpoints
{
    public static void MapInstitutions(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder institutions = api.MapGroup("/institutions").WithTags("Institutions");
        institutions.MapGet("/", ListAsync).WithSummary("Institutions the caller may see (default: the caller's community)");
        institutions.MapGet("/{id}", GetAsync).WithSummary("One institution, with its ETag");
        institutions.MapPost("/", AddAsync).WithSummary("Adds a township centre, village clinic… under a parent institution of the admin's community (audited)");
        institutions.MapPut("/{id}", RenameAsync).WithSummary("Renames an institution of the admin's community (If-Match; audited)");
        institutions.MapGet("/{id}/departments", DepartmentsAsync).WithSummary("The institution's departments (specialty, head)");
        institutions.MapPost("/{id}/departments", AddDepartmentAsync)
            .WithSummary("Adds a department to an institution of the admin's community; its head hears of SLA breaches (audited)");
    }

    private static async Task<IResult> DepartmentsAsync(string id, HttpContext http, IGrainFactory grains)
    {
        AccessScope scope = http.Scope();
        if (!await scope.CanSeeInstitutionAsync(id))
        {
            return Results.Forbid();
        }

        IReadOnlyList<Department> departments = await grains.GetGrain<ICommunityGrain>(scope.Caller.CommunityId).GetDepartmentsAsync();
        return Results.Ok(departments.Where(d => d.InstitutionId == id));
    }

    private static Task<IResult> AddDepartmentAsync(string id, NewDepartmentRequest request, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
        AdminProblems.RunAsync("department", async () =>
        {
            AccessScope scope = http.Scope();
            if (!await scope.CanManageInstitutionAsync(id))
            {
                await Audit(http, audit, scope, "department.add", $"{id}/department/{request.Id}", "forbidden");
                return Results.Forbid();
            }

            Dictionary<string, string[]> errors = NewEntryErrors(request.Id, request.Name, "specialty", request.Specialty);

            if (errors.Count > 0)
            {
                await Audit(http, audit, scope, "department.add", $"{id}/department/{request.Id}", "invalid");
                return Results.ValidationProblem(errors);
            }

            var department = new Department(request.Id!, id, request.Name!.Trim(), request.Specialty!.Value,
                string.IsNullOrWhiteSpace(request.HeadReaderId) ? null : request.HeadReaderId.Trim());
            string outcome = "refused";
            try
            {
                await grains.GetGrain<ICommunityGrain>(scope.Caller.CommunityId).AddDepartmentAsync(department);
                outcome = "ok";
                return Results.Created($"/api/institutions/{id}/departments", department);
            }
            finally
            {
                await Audit(http, audit, scope, "department.add", $"{id}/department/{department.Id}", outcome);
            }
        });

    private static async Task<IResult> ListAsync(string? community, HttpContext http, IGrainFactory grains)
    {
        AccessScope scope = http.Scope();
        string communityId = community ?? scope.Caller.CommunityId;
        if (communityId != scope.Caller.CommunityId)
        {
            return Results.Forbid();
        }

        IReadOnlyList<Institution> all = await grains.GetGrain<ICommunityGrain>(communityId).GetInstitutionsAsync();
        IEnumerable<Institution> visible = scope.CanSeeCommunity(communityId) ? all : all.Where(i => i.Id == scope.Caller.InstitutionId);
        return Results.Ok(visible.Select(i => InstitutionView.From(communityId, i)));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, IGrainFactory grains)
    {
        AccessScope scope = http.Scope();
        if (!await scope.CanSeeInstitutionAsync(id))
        {
            return Results.Forbid();
        }

        InstitutionRecord? record = await grains.GetGrain<IInstitutionGrain>(id).GetAsync();
        if (record is null || await grains.GetGrain<ICommunityGrain>(record.CommunityId).GetInstitutionAsync(id) is not { } revised)
        {
            return Results.Problem(statusCode: 404, title: $"no institution {id}");
        }

        return RevisionETag.Ok(http, InstitutionView.From(record.CommunityId, revised.Value), revised.Revision);
    }

    private static Task<IResult> AddAsync(NewInstitutionRequest request, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
        AdminProblems.RunAsync("institution", async () =>
        {
            AccessScope scope = http.Scope();
            if (!scope.IsAdmin || string.IsNullOrWhiteSpace(request.ParentId) || !await scope.CanManageInstitutionAsync(request.ParentId))
            {
                await Audit(http, audit, scope, "institution.add", request.Id, "forbidden");
                return Results.Forbid();
            }

            Dictionary<string, string[]> errors = NewEntryErrors(request.Id, request.Name, "level", request.Level);

            if (errors.Count > 0)
            {
                await Audit(http, audit, scope, "institution.add", request.Id, "invalid");
                return Results.ValidationProblem(errors);
            }

            var institution = new Institution(request.Id!, request.Name!.Trim(), request.Level!.Value, request.ParentId);
            string outcome = "refused";
            try
            {
                int revision = await grains.GetGrain<ICommunityGrain>(scope.Caller.CommunityId).AddInstitutionAsync(institution);
                outcome = "ok";
                http.Response.Headers.ETag = RevisionETag.Of(revision);
                return Results.Created($"/api/institutions/{institution.Id}", InstitutionView.From(scope.Caller.CommunityId, institution));
            }
            finally
            {
                await Audit(http, audit, scope, "institution.add", institution.Id, outcome);
            }
        });

    private static Task<IResult> RenameAsync(string id, RenameInstitutionRequest request, HttpContext http, IGrainFactory grains, AuditTrail audit) =>
        AdminProblems.RunAsync("institution", async () =>
        {
            AccessScope scope = http.Scope();
            if (!await scope.CanManageInstitutionAsync(id))
            {
                await Audit(http, audit, scope, "institution.rename", id, "forbidden");
                return Results.Forbid();
            }

            ICommunityGrain community = grains.GetGrain<ICommunityGrain>(scope.Caller.CommunityId);
            Revised<Institution> current = await community.GetInstitutionAsync(id) ?? throw new KeyNotFoundException($"no institution {id}");
            (int? expected, IResult? failed) = RevisionETag.Precondition(http.Request, current.Revision, "institution");
            if (failed is not null)
            {
                await Audit(http, audit, scope, "institution.rename", id, "precondition-failed");
                return failed;
            }

            if (NameProblem(request.Name) is { } nameProblem)
            {
                await Audit(http, audit, scope, "institution.rename", id, "invalid");
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [nameProblem] });
            }

            string outcome = "refused";
            try
            {
                int revision = await community.RenameInstitutionAsync(id, request.Name!.Trim(), expected);
                outcome = "ok";
                return RevisionETag.Ok(http, InstitutionView.From(scope.Caller.CommunityId, current.Value with { Name = request.Name.Trim() }), revision);
            }
            catch (RevisionMismatchException)
            {
                outcome = "precondition-failed";
                throw;
            }
            finally
            {
                await Audit(http, audit, scope, "institution.rename", id, outcome);
            }
        });

    /// <summary>What is wrong with a new institution's or department's id, name and kind (level or specialty), by field.</summary>
    private static Dictionary<string, string[]> NewEntryErrors<TKind>(string? id, string? name, string kindField, TKind? kind)
        where TKind : struct, Enum
    {
        var errors = new Dictionary<string, string[]>();
        if (!Identifiers.IsValid(id))
        {
            errors["id"] = [Identifiers.Rule];
        }

        if (NameProblem(name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (kind is not { } value || !Enum.IsDefined(value))
        {
            errors[kindField] = [$"one of {string.Join(", ", Enum.GetNames<TKind>())}"];
        }

        return errors;
    }

    private static string? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > 128 ? "1–128 characters" : null;

    private static Task Audit(HttpContext http, AuditTrail audit, AccessScope scope, string action, string? id, string outcome) =>
        audit.RecordForAsync(http, scope.Caller.UserId, scope.Caller.CommunityId, action, "institution/" + (id ?? "-"), outcome);
}

/// <summary>A new institution: its id, name, level and the parent it sits under (one or more levels up).</summary>
internal sealed record NewInstitutionRequest(string? Id, string? Name, InstitutionLevel? Level, string? ParentId);

internal sealed record RenameInstitutionRequest(string? Name);

/// <summary>A department: id, name, the specialty it answers for, and optionally its head (an enrolled reader).</summary>
internal sealed record NewDepartmentRequest(string? Id, string? Name, Specialty? Specialty, string? HeadReaderId);

internal sealed record InstitutionView(string Id, string CommunityId, string Name, InstitutionLevel Level, string? ParentId)
{
    public static InstitutionView From(string communityId, Institution institution) =>
        new(institution.Id, communityId, institution.Name, institution.Level, institution.ParentId);
}
