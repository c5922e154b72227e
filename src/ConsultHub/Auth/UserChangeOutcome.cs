namespace Telemed.ConsultHub.Auth;

/// <summary>How a change of a user account went.</summary>
public enum UserChangeOutcome
{
    Changed,
    NotFound,

    /// <summary>The account is no longer at the version the change named: someone changed it in between.</summary>
    Stale,
}
