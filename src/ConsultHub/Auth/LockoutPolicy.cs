namespace Telemed.ConsultHub.Auth;

/// <summary>After <see cref="MaxFailedSignIns"/> wrong passwords in a row the account refuses sign-in for <see cref="Duration"/>.</summary>
public sealed record LockoutPolicy(int MaxFailedSignIns = 5, TimeSpan? LockoutDuration = null)
{
    public TimeSpan Duration => LockoutDuration ?? TimeSpan.FromMinutes(15);
}
