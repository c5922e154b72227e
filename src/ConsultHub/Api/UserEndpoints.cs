using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Accounts;

namespace Telemed.ConsultHub.Api;

/// <summary>Users of the admin's community: list and create (with a role at one of the community's institutions).</summary>
internal static class UserEndpoints
{
    public static void MapUsers(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("/", ListAsync).WithSummary("The users of the admin's community");
        users.MapPost("/", CreateAsync).WithSummary("Creates a user at an institution of the admin's community");
    }

    private static async Task<IResult> ListAsync(HttpContext http, UserDirectory users)
    {
        AccessScope scope = http.Scope();
        if (!scope.CanManageCommunity(scope.Caller.CommunityId))
        {
            return Results.Forbid();
        }

        IReadOnlyList<UserAccount> list = await users.ListAsync(scope.Caller.CommunityId, http.RequestAborted);
        return Results.Ok(list.Select(UserView.From));
    }

    private static async Task<IResult> CreateAsync(CreateUserRequest request, HttpContext http, UserDirectory users, IInstitutionDirectory institutions, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        if (!scope.IsAdmin)
        {
            return Results.Forbid();
        }

        if (string.IsNullOrWhiteSpace(request.InstitutionId) || await institutions.CommunityOfAsync(request.InstitutionId) is not { } community)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["institutionId"] = ["no such institution"] });
        }

        if (!scope.CanManageCommunity(community))
        {
            return Results.Forbid();
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Id) || request.Id.Length > 64 || !request.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors["id"] = ["1–64 characters: letters, digits, '-', '_', '.'"];
        }

        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            errors["role"] = [$"one of {string.Join(", ", Enum.GetNames<UserRole>())}"];
        }

        if (PasswordPolicy.Check(request.Id ?? string.Empty, request.Password) is { } passwordProblem)
        {
            errors["password"] = [passwordProblem];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var user = new NewUser(request.Id!, string.IsNullOrWhiteSpace(request.DisplayName) ? request.Id! : request.DisplayName.Trim(),
            request.Role!.Value, community, request.InstitutionId, request.Password!);
        bool created = await users.CreateAsync(user, http.RequestAborted);
        await audit.RecordForAsync(http, scope.Caller.UserId, scope.Caller.CommunityId, "user.create", "user/" + user.Id, created ? "ok" : "conflict");
        if (!created)
        {
            return Results.Problem(statusCode: 409, title: $"the user name {user.Id} is taken");
        }

        UserAccount? stored = await users.FindAsync(user.Id, http.RequestAborted);
        return Results.Created($"/api/users/{user.Id}", UserView.From(stored!));
    }
}

internal sealed record CreateUserRequest(string? Id, string? DisplayName, UserRole? Role, string? InstitutionId, string? Password);

internal sealed record UserView(string Id, string DisplayName, UserRole Role, string CommunityId, string InstitutionId, bool Enabled, bool LockedOut)
{
    public static UserView From(UserAccount user) => new(user.Id, user.DisplayName, user.Role, user.CommunityId, user.InstitutionId, user.Enabled,
        user.LockedOutUntil is { } until && until > DateTimeOffset.UtcNow);
}
