using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Telemed.ConsultHub.Hosting;

namespace Telemed.ConsultHub.Auth;

/// <summary>
/// Per-address limit on sign-in attempts (<see cref="HubOptions.SignInPermitLimit"/> per <see cref="HubOptions.SignInWindow"/>,
/// fixed windows): an attempt over the limit is 429 Too Many Requests with Retry-After (RFC 6585 §4) as problem
/// details, and never reaches the password check — so a correct password is refused too until the window ends, and
/// the account's failure count (lockout) is not touched by refused attempts. The partition is the connection's remote
/// address; behind a reverse proxy that is the proxy, so such a deployment must forward the client address first.
/// </summary>
public static partial class SignInRateLimit
{
    public const string Policy = "sign-in";

    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services, HubOptions hub)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(hub);
        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, http => hub.SignInPermitLimit <= 0
                ? RateLimitPartition.GetNoLimiter("off")
                : RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = hub.SignInPermitLimit,
                    Window = hub.SignInWindow,
                    QueueLimit = 0,
                }));
            o.OnRejected = RejectAsync;
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        HttpContext http = context.HttpContext;
        int seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        // Logged, not audited: a flood of refused attempts must not turn into a flood of durable audit commits.
        Refused(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInRateLimit)),
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown", seconds);
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "too many sign-in attempts",
            detail: $"this address made too many sign-in attempts: try again in {seconds} s").ExecuteAsync(http).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "sign-in attempts from {Address} refused for {Seconds} s: over the per-address limit")]
    private static partial void Refused(ILogger logger, string address, int seconds);
}
