namespace Telemed.Grains.Referrals;

/// <summary>
/// One referral of a patient between institutions, keyed by a Guid. Its direction follows the institutions' levels
/// (a referral between two institutions of the same level is refused); the case summary is taken when it is created.
/// Requested → Accepted → Completed, or Requested → Declined.
/// </summary>
public interface IReferralGrain : IGrainWithGuidKey
{
    Task<ReferralView> CreateAsync(ReferralRequest request);

    Task<ReferralView> AcceptAsync(string actor);

    Task<ReferralView> DeclineAsync(string actor, string reason);

    Task<ReferralView> CompleteAsync(string actor, string outcome);

    Task<ReferralView> GetAsync();
}
