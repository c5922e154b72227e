using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Rhythm;

/// <summary>
/// STEMI voltage criteria of the Fourth Universal Definition of Myocardial Infarction (Thygesen et al.,
/// Circulation/Eur Heart J 2018): new ST elevation at the J point in two contiguous leads of ≥ 1 mm (0.1 mV)
/// in all leads other than V2–V3, where ≥ 2 mm in men ≥ 40 years, ≥ 2.5 mm in men &lt; 40 years, ≥ 1.5 mm in
/// women regardless of age.
/// </summary>
internal static class StElevationCriteria
{
    public const double OtherLeadsMv = 0.1;
    public const double V2V3MenFortyAndOverMv = 0.2;
    public const double V2V3MenUnderFortyMv = 0.25;
    public const double V2V3WomenMv = 0.15;

    /// <summary>Contiguous lead pairs: any two inferior, any two lateral, neighbouring precordial leads.</summary>
    public static IReadOnlyList<(LeadId A, LeadId B, string Territory)> ContiguousPairs { get; } = BuildPairs();

    /// <summary>The J-point threshold for <paramref name="lead"/>, and why (sex/age, or the most sensitive choice when unknown).</summary>
    public static (double Millivolts, string Basis) Threshold(LeadId lead, PatientContext? patient)
    {
        if (lead is not (LeadId.V2 or LeadId.V3))
        {
            return (OtherLeadsMv, "≥ 0.1 mV outside V2–V3");
        }

        return (patient?.Sex, patient?.AgeYears) switch
        {
            (Sex.Female, _) => (V2V3WomenMv, "V2–V3 ≥ 0.15 mV (women)"),
            (Sex.Male, int age) when age >= 40 => (V2V3MenFortyAndOverMv, "V2–V3 ≥ 0.2 mV (men ≥ 40 y)"),
            (Sex.Male, int) => (V2V3MenUnderFortyMv, "V2–V3 ≥ 0.25 mV (men < 40 y)"),
            (Sex.Male, null) => (V2V3MenFortyAndOverMv, "V2–V3 ≥ 0.2 mV (man of unknown age: the more sensitive male threshold)"),
            _ => (V2V3WomenMv, "V2–V3 ≥ 0.15 mV (sex unknown: the most sensitive threshold)"),
        };
    }

    private static List<(LeadId, LeadId, string)> BuildPairs()
    {
        var pairs = new List<(LeadId, LeadId, string)>();
        void AllPairs(LeadId[] group, string territory)
        {
            for (int i = 0; i < group.Length; i++)
            {
                for (int j = i + 1; j < group.Length; j++)
                {
                    pairs.Add((group[i], group[j], territory));
                }
            }
        }

        AllPairs([LeadId.II, LeadId.III, LeadId.aVF], "inferior");
        AllPairs([LeadId.I, LeadId.aVL, LeadId.V5, LeadId.V6], "lateral");
        for (var v = LeadId.V1; v < LeadId.V6; v++)
        {
            pairs.Add((v, v + 1, "anterior"));
        }

        return pairs;
    }
}
