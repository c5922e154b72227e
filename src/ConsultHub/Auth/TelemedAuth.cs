using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using HeaderNames = Microsoft.Net.Http.Headers.HeaderNames;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Hosting;
using Telemed.Storage.Accounts;
using Telemed.Storage.Audit;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.Auth;

/// <summary>
/// Composition of sign-in, scope and audit for the host: a cookie for browsers, bearer tokens for the CLI and devices,
/// and a policy scheme that picks one per request.
/// </summary>
public static class TelemedAuth
{
    public const string Scheme = "telemed";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string BearerScheme = "telemed-token";
    public const string CookieName = "telemed.auth";

    /// <summary>The query parameter the SignalR clients put a bearer token in for WebSockets and server-sent events.</summary>
    public const string AccessTokenParameter = "access_token";

    private static readonly PathString HubsPath = new("/hubs");

    public static WebApplicationBuilder AddTelemedAuth(this WebApplicationBuilder builder, HubOptions hub)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(hub);
        IServiceCollection services = builder.Services;
        services.AddProblemDetails();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new LockoutPolicy());
        services.AddSingleton<UserDirectory>();
        services.AddSingleton(s => new AuditLog(s.GetRequiredService<Func<CatalogDbContext>>(), s.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<IInstitutionDirectory, GrainInstitutionDirectory>();
        // Cookies stay valid across restarts: the key ring lives with the rest of the hub's data.
        services.AddDataProtection()
            .SetApplicationName("telemed")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(hub.DataDirectory, "keys")));

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "cookie or bearer token", o =>
            {
                o.ForwardDefaultSelector = http => RequestToken(http.Request) is null ? CookieScheme : BearerScheme;
                // Challenges and refusals answer as problem details whichever way the caller came in.
                o.ForwardChallenge = BearerScheme;
                o.ForwardForbid = BearerScheme;
            })
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                // Secure when the request came over HTTPS; the loopback default is plain HTTP.
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(BearerScheme, null);
        services.AddAuthorization();
        services.AddSignInRateLimit(hub);
        return builder;
    }

    /// <summary>
    /// A session ends when its user is disabled or removed, and follows a change of role or institution at the next
    /// request rather than after the cookie's eight hours.
    /// </summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        Caller? caller = context.Principal is null ? null : Caller.From(context.Principal);
        UserAccount? user = caller is null ? null
            : await context.HttpContext.RequestServices.GetRequiredService<UserDirectory>().FindAsync(caller.UserId, context.HttpContext.RequestAborted);
        if (caller is null || user is null || !user.Enabled)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            return;
        }

        if (Caller.From(user) != caller)
        {
            context.ReplacePrincipal(Caller.From(user).ToPrincipal(CookieScheme, "password"));
            context.ShouldRenew = true;
        }
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, or null.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? header = request.Headers[HeaderNames.Authorization];
        const string Prefix = "Bearer ";
        return header is not null && header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && header.Length > Prefix.Length
            ? header[Prefix.Length..].Trim()
            : null;
    }

    /// <summary>
    /// The API token a request carries: the <c>Authorization: Bearer</c> header, or on the SignalR hubs (/hubs/…) also
    /// the <c>access_token</c> query parameter, because browsers cannot set headers on a WebSocket or EventSource
    /// request (the SignalR JavaScript client's accessTokenFactory sends it there). Only there: a token in any other
    /// URL would end up in logs, histories and Referer headers for no reason.
    /// </summary>
    public static string? RequestToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (BearerToken(request) is { } header)
        {
            return header;
        }

        return request.Path.StartsWithSegments(HubsPath, StringComparison.OrdinalIgnoreCase)
            && request.Query.TryGetValue(AccessTokenParameter, out Microsoft.Extensions.Primitives.StringValues values)
            && values.Count == 1 && !string.IsNullOrWhiteSpace(values[0])
            ? values[0]!.Trim()
            : null;
    }

    /// <summary>The caller and their scope; only on endpoints that require an authenticated user.</summary>
    public static AccessScope Scope(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        Caller caller = Caller.From(http.User) ?? throw new InvalidOperationException("the endpoint must require an authenticated user");
        return new AccessScope(caller, http.RequestServices.GetRequiredService<IInstitutionDirectory>());
    }
}
