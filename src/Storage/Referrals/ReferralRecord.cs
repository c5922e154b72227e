namespace Telemed.Storage.Referrals;

/// <summary>
/// A referral as lists find it: a projection of the referral grain's state (the grain stays the authority), written
/// after every change so "referrals to or from this institution, by direction and status" is an indexed query instead
/// of a scan of grain states. Direction and status are kept as the grain's enum names.
/// </summary>
public sealed class ReferralRecord
{
    public Guid Id { get; set; }

    public Guid CaseId { get; set; }

    public string? PatientId { get; set; }

    public required string Direction { get; set; }

    public required string Status { get; set; }

    public required string FromInstitutionId { get; set; }

    public required string FromCommunityId { get; set; }

    public required string ToInstitutionId { get; set; }

    public required string ToCommunityId { get; set; }

    public required string Reason { get; set; }

    public required string RequestedBy { get; set; }

    public DateTime RequestedAtUtc { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}
