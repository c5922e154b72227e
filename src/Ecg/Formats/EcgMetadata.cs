using Telemed.Ecg.Rhythm;

namespace Telemed.Ecg.Formats;

/// <summary>Patient and acquisition facts an ECG file carries; every field is null when the file does not say.</summary>
public sealed record EcgMetadata
{
    public static EcgMetadata Empty { get; } = new();

    public string? PatientId { get; init; }

    public string? FamilyName { get; init; }

    public string? GivenName { get; init; }

    public DateOnly? BirthDate { get; init; }

    /// <summary>Age in whole years as the device recorded it (SCP-ECG stores age apart from the birth date).</summary>
    public int? AgeYears { get; init; }

    public Sex? Sex { get; init; }

    /// <summary>Start of the acquisition in the device's local time (the formats rarely carry a zone).</summary>
    public DateTime? AcquisitionTime { get; init; }

    /// <summary>Device model or description, e.g. "ELI250" or "MDW14".</summary>
    public string? Device { get; init; }

    /// <summary>The age the analysis should use: the stored age, else the age at acquisition from the birth date.</summary>
    public int? EffectiveAgeYears
    {
        get
        {
            if (AgeYears is int age)
            {
                return age;
            }

            if (BirthDate is DateOnly birth && AcquisitionTime is DateTime at)
            {
                var on = DateOnly.FromDateTime(at);
                int years = on.Year - birth.Year - (on < birth.AddYears(on.Year - birth.Year) ? 1 : 0);
                return years is >= 0 and < 150 ? years : null;
            }

            return null;
        }
    }

    /// <summary>What the rhythm flags need (sex and age), or null when the file gives neither.</summary>
    public PatientContext? ToPatientContext() =>
        Sex is null && EffectiveAgeYears is null ? null : new PatientContext(Sex, EffectiveAgeYears);
}
