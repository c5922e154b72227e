using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Telemed.ConsultHub.Auth;

/// <summary>
/// <c>Authorization: Bearer tm_…</c> for the CLI and devices (and <c>?access_token=</c> on /hubs/…, see
/// <see cref="TelemedAuth.RequestToken"/>). Also answers every challenge and refusal of the API
/// (cookie users too), as problem details rather than a redirect to a login page: 401 and 403 with
/// application/problem+json (RFC 9457).
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, UserDirectory users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? secret = TelemedAuth.RequestToken(Request);
        if (secret is null)
        {
            return AuthenticateResult.NoResult();
        }

        var user = await users.FindByTokenAsync(secret, Context.RequestAborted);
        return user is null
            ? AuthenticateResult.Fail("unknown or revoked token")
            : AuthenticateResult.Success(new AuthenticationTicket(Caller.From(user).ToPrincipal(Scheme.Name, "token"), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Not signed in",
            "sign in at POST /api/auth/login or send Authorization: Bearer <token>");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "outside your role or your scope");

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        IProblemDetailsService problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
