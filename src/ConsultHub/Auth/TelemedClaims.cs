namespace Telemed.ConsultHub.Auth;

/// <summary>Claim types the hub puts in its principals besides name and role.</summary>
internal static class TelemedClaims
{
    public const string Community = "telemed:community";
    public const string Institution = "telemed:institution";

    /// <summary>"password" (cookie) or "token" (bearer).</summary>
    public const string Method = "telemed:auth-method";
}
