namespace Telemed.Ecg.Rhythm;

/// <summary>Sex at birth, as the STEMI voltage criteria in V2–V3 depend on it.</summary>
public enum Sex
{
    Male,
    Female,
}
