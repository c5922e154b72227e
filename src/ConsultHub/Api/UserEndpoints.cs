using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Accounts;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// Users of the admin's community: list, create (with a role at one of the community's institutions), read and change
/// against the ETag, disable and enable (a disabled user's sessions and tokens stop working at once), reset a
/// password; and every user's change of their own password. All changes audited.
/// </summary>
internal static class UserEndpoints
{
    public static void MapUsers(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("/", ListAsync).WithSummary("The users of the admin's community");
        users.MapPost("/", CreateAsync).WithSummary("Creates a user at an institution of the admin's community");
        users.MapGet("/{id}", GetAsync).WithSummary("One user (the admin of their community, or the user), with the ETag");
        users.MapPut("/{id}", UpdateAsync).WithSummary("Changes display name, role, institution within the community (admin, If-Match; audited)");
        users.MapPost("/{id}/disable", (string id, HttpContext http, UserDirectory users, AuditTrail audit) => SetEnabledAsync(id, false, http, users, audit))
            .WithSummary("Disables the user: sign-in refused, sessions and tokens stop working (admin, not oneself; audited)");
        users.MapPost("/{id}/enable", (string id, HttpContext http, UserDirectory users, AuditTrail audit) => SetEnabledAsync(id, true, http, users, audit))
            .WithSummary("Enables the user again (admin; audited)");
        users.MapPost("/{id}/password", ResetPasswordAsync)
            .WithSummary("Sets the given password, or a generated one returned in this response only; lifts a lockout and revokes the user's API tokens (admin; audited)");
        api.MapPost("/me/password", ChangeOwnPasswordAsync).WithTags("Sign-in")
            .WithSummary("Changes the caller's own password, given the current one (failures count towards lockout; audited)");
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, UserDirectory users)
    {
        AccessScope scope = http.Scope();
        UserAccount? user = await users.FindAsync(id, http.RequestAborted);
        if (user is null || !(user.Id == scope.Caller.UserId || scope.CanManageCommunity(user.CommunityId)))
        {
            return user is null && scope.IsAdmin ? Results.Problem(statusCode: 404, title: $"no user {id}") : Results.Forbid();
        }

        return RevisionETag.Ok(http, UserView.From(user), user.Version);
    }

    private static async Task<IResult> UpdateAsync(string id, UpdateUserRequest request, HttpContext http, UserDirectory users, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        (UserAccount? user, IResult? refusal) = await LoadManagedAsync(id, http, users, audit, "user.update");
        if (user is null)
        {
            return refusal!;
        }

        (int? expected, IResult? failed) = RevisionETag.Precondition(http.Request, user.Version, "user");
        if (failed is not null)
        {
            await Audit(http, audit, scope, "user.update", id, "precondition-failed");
            return failed;
        }

        var errors = new Dictionary<string, string[]>();
        if (request.DisplayName is { } name && (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 128))
        {
            errors["displayName"] = ["1–128 characters"];
        }

        if (request.Role is { } role && !Enum.IsDefined(role))
        {
            errors["role"] = [$"one of {string.Join(", ", Enum.GetNames<UserRole>())}"];
        }
        else if (request.Role is { } newRole && newRole != user.Role && user.Id == scope.Caller.UserId)
        {
            // Another admin of the community changes an admin's role: no one locks their community out by accident.
            errors["role"] = ["you cannot change your own role"];
        }

        if (request.InstitutionId is { } institution && !await scope.CanManageInstitutionAsync(institution))
        {
            errors["institutionId"] = ["not an institution of your community"];
        }

        if (errors.Count > 0)
        {
            await Audit(http, audit, scope, "user.update", id, "invalid");
            return Results.ValidationProblem(errors);
        }

        (UserChangeOutcome outcome, UserAccount? changed) = await users.ChangeAsync(id, expected, u =>
        {
            u.DisplayName = request.DisplayName?.Trim() ?? u.DisplayName;
            u.Role = request.Role ?? u.Role;
            u.InstitutionId = request.InstitutionId ?? u.InstitutionId;
        }, http.RequestAborted);
        return await ReplyAsync(http, audit, scope, "user.update", id, outcome, changed);
    }

    private static async Task<IResult> SetEnabledAsync(string id, bool enabled, HttpContext http, UserDirectory users, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        string action = enabled ? "user.enable" : "user.disable";
        (UserAccount? user, IResult? refusal) = await LoadManagedAsync(id, http, users, audit, action);
        if (user is null)
        {
            return refusal!;
        }

        if (!enabled && user.Id == scope.Caller.UserId)
        {
            await Audit(http, audit, scope, action, id, "conflict");
            return Results.Problem(statusCode: 409, title: "you cannot disable yourself", detail: "another admin of the community can");
        }

        (UserChangeOutcome outcome, UserAccount? changed) = await users.ChangeAsync(id, null, u => u.Enabled = enabled, http.RequestAborted);
        return await ReplyAsync(http, audit, scope, action, id, outcome, changed);
    }

    private static async Task<IResult> ResetPasswordAsync(string id, PasswordResetRequest? request, HttpContext http, UserDirectory users, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        (UserAccount? user, IResult? refusal) = await LoadManagedAsync(id, http, users, audit, "user.password-reset");
        if (user is null)
        {
            return refusal!;
        }

        string? given = request?.Password;
        if (given is not null && PasswordPolicy.Check(user.Id, given) is { } problem)
        {
            await Audit(http, audit, scope, "user.password-reset", id, "invalid");
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["password"] = [problem] });
        }

        string password = given ?? PasswordPolicy.Generate();
        (UserChangeOutcome outcome, UserAccount? changed) = await users.ChangeAsync(id, null, u => UserDirectory.SetPassword(u, password), http.RequestAborted);
        if (outcome != UserChangeOutcome.Changed)
        {
            return await ReplyAsync(http, audit, scope, "user.password-reset", id, outcome, changed);
        }

        // Whoever held the old credentials may hold the user's tokens too: they stop working with the reset.
        await users.RevokeAllTokensAsync(id, http.RequestAborted);
        await Audit(http, audit, scope, "user.password-reset", id, "ok");
        http.Response.Headers.ETag = RevisionETag.Of(changed!.Version);
        // The generated password is shown once, here; a given one is not echoed.
        return Results.Ok(new PasswordReset(id, given is null ? password : null));
    }

    private static async Task<IResult> ChangeOwnPasswordAsync(OwnPasswordRequest request, HttpContext http, UserDirectory users, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        string id = scope.Caller.UserId;
        if (request.CurrentPassword is null || request.NewPassword is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["currentPassword"] = ["currentPassword and newPassword are required"] });
        }

        (SignInOutcome check, _) = await users.SignInAsync(id, request.CurrentPassword, http.RequestAborted);
        if (check != SignInOutcome.Succeeded)
        {
            await Audit(http, audit, scope, "user.password-change", id, check == SignInOutcome.LockedOut ? "locked-out" : "failed");
            return Results.Problem(statusCode: 403, title: "the current password is wrong, or the account is locked for a while");
        }

        if (PasswordPolicy.Check(id, request.NewPassword) is { } problem)
        {
            await Audit(http, audit, scope, "user.password-change", id, "invalid");
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["newPassword"] = [problem] });
        }

        (UserChangeOutcome outcome, _) = await users.ChangeAsync(id, null, u => UserDirectory.SetPassword(u, request.NewPassword), http.RequestAborted);
        await Audit(http, audit, scope, "user.password-change", id, outcome == UserChangeOutcome.Changed ? "ok" : "conflict");
        return outcome == UserChangeOutcome.Changed ? Results.NoContent() : Results.Problem(statusCode: 409, title: "the account changed meanwhile; try again");
    }

    /// <summary>
    /// The user if the caller is the admin of their community; else 403 (404 for an admin naming an unknown id), the
    /// refusal audited, with a copy in the user's community when the caller is from another one, so its auditors see
    /// who tried.
    /// </summary>
    private static async Task<(UserAccount? User, IResult? Refusal)> LoadManagedAsync(string id, HttpContext http, UserDirectory users, AuditTrail audit, string action)
    {
        AccessScope scope = http.Scope();
        UserAccount? user = await users.FindAsync(id, http.RequestAborted);
        if (user is not null && scope.CanManageCommunity(user.CommunityId))
        {
            return (user, null);
        }

        bool unknown = user is null && scope.IsAdmin;
        await audit.RecordAsync(http, action, "user/" + id, (string?)null, unknown ? "not-found" : "forbidden", user?.CommunityId);
        return (null, unknown ? Results.Problem(statusCode: 404, title: $"no user {id}") : Results.Forbid());
    }

    private static async Task<IResult> ReplyAsync(HttpContext http, AuditTrail audit, AccessScope scope, string action, string id, UserChangeOutcome outcome, UserAccount? user)
    {
        switch (outcome)
        {
            case UserChangeOutcome.Changed:
                await Audit(http, audit, scope, action, id, "ok");
                return RevisionETag.Ok(http, UserView.From(user!), user!.Version);
            case UserChangeOutcome.Stale:
                await Audit(http, audit, scope, action, id, "precondition-failed");
                return RevisionETag.Stale("user", user?.Version ?? 0);
            default:
                await Audit(http, audit, scope, action, id, "not-found");
                return Results.Problem(statusCode: 404, title: $"no user {id}");
        }
    }

    private static Task Audit(HttpContext http, AuditTrail audit, AccessScope scope, string action, string id, string outcome) =>
        audit.RecordForAsync(http, scope.Caller.UserId, scope.Caller.CommunityId, action, "user/" + id, outcome);

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

/// <summary>A change of a user; what is null stays as it is.</summary>
internal sealed record UpdateUserRequest(string? DisplayName, UserRole? Role, string? InstitutionId);

/// <summary>The password to set; none: the hub generates one.</summary>
internal sealed record PasswordResetRequest(string? Password);

/// <summary>The generated password (null when the admin gave one): shown in this response only.</summary>
internal sealed record PasswordReset(string UserId, string? Password);

internal sealed record OwnPasswordRequest(string? CurrentPassword, string? NewPassword);

internal sealed record CreateUserRequest(string? Id, string? DisplayName, UserRole? Role, string? InstitutionId, string? Password);

internal sealed record UserView(string Id, string DisplayName, UserRole Role, string CommunityId, string InstitutionId, bool Enabled, bool LockedOut, int Version)
{
    public static UserView From(UserAccount user) => new(user.Id, user.DisplayName, user.Role, user.CommunityId, user.InstitutionId, user.Enabled,
        user.LockedOutUntil is { } until && until > DateTimeOffset.UtcNow, user.Version);
}
