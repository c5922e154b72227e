namespace Telemed.ConsultHub.Auth;

public enum SignInOutcome
{
    Succeeded,

    /// <summary>Unknown user, wrong password or disabled account: the caller is not told which.</summary>
    Failed,

    /// <summary>Too many failures: refused without looking at the password until the lockout ends.</summary>
    LockedOut,
}
