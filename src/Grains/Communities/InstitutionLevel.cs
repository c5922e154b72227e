namespace Telemed.Grains.Communities;

/// <summary>Where an institution stands in the referral chain; ordered from the top, so "up" is a smaller value.</summary>
public enum InstitutionLevel
{
    City,
    County,
    Township,
    Village,
}
