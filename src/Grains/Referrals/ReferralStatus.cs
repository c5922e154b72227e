namespace Telemed.Grains.Referrals;

public enum ReferralStatus
{
    Requested,
    Accepted,
    Declined,
    Completed,
}
