namespace Telemed.Grains.Referrals;

/// <summary>Up: village/township → county → city. Down: back to a lower level for follow-up.</summary>
public enum ReferralDirection
{
    Up,
    Down,
}
