using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Tests.Synthetic;

/// <summary>What to synthesize. Times in seconds, amplitudes in millivolts.</summary>
internal sealed record SyntheticEcgOptions
{
    public double SamplingRate { get; init; } = 500;

    public double DurationSeconds { get; init; } = 10;

    /// <summary>Used when <see cref="RrSeconds"/> is null.</summary>
    public double HeartRateBpm { get; init; } = 70;

    /// <summary>Explicit RR intervals (repeated cyclically to fill the record) for pauses and irregular rhythms.</summary>
    public IReadOnlyList<double>? RrSeconds { get; init; }

    /// <summary>Time of the first R peak.</summary>
    public double FirstBeatSeconds { get; init; } = 0.6;

    public double PrSeconds { get; init; } = 0.16;

    public double PDurationSeconds { get; init; } = 0.10;

    public double QrsSeconds { get; init; } = 0.09;

    /// <summary>QRS onset to T end, T end being where the steepest T downslope tangent meets the baseline.</summary>
    public double QtSeconds { get; init; } = 0.40;

    public double TSigmaSeconds { get; init; } = 0.04;

    /// <summary>Frontal angle of the R vector (the net QRS axis differs slightly; see <see cref="SyntheticEcg.TrueAxisDegrees"/>).</summary>
    public double AxisDegrees { get; init; } = 60;

    public double PAmplitudeMv { get; init; } = 0.15;

    public double QAmplitudeMv { get; init; } = 0.15;

    public double RAmplitudeMv { get; init; } = 1.2;

    public double SAmplitudeMv { get; init; } = 0.35;

    public double TAmplitudeMv { get; init; } = 0.35;

    /// <summary>ST deviation per lead, from the J point to the T peak.</summary>
    public IReadOnlyDictionary<LeadId, double> StOffsetsMv { get; init; } = new Dictionary<LeadId, double>();

    /// <summary>White (broadband, EMG-like) noise, standard deviation per lead.</summary>
    public double WhiteNoiseMv { get; init; }

    public double BaselineWanderMv { get; init; }

    public double BaselineWanderHz { get; init; } = 0.3;

    public double MainsMv { get; init; }

    public double MainsHz { get; init; } = 50;

    /// <summary>Fibrillatory baseline waves (4–9 Hz), amplitude per lead.</summary>
    public double FibrillationMv { get; init; }

    /// <summary>Leads recorded as a constant zero (electrode off, amplifier settled).</summary>
    public IReadOnlyCollection<LeadId> FlatLeads { get; init; } = [];

    /// <summary>Leads stuck at the positive ADC rail.</summary>
    public IReadOnlyCollection<LeadId> RailedLeads { get; init; } = [];

    /// <summary>No cardiac activity at all: every lead is just its noise.</summary>
    public bool Asystole { get; init; }

    /// <summary>Store only I, II, V1–V6 (as most carts do) instead of all twelve.</summary>
    public bool EightLeadsOnly { get; init; }

    public double GainAduPerMv { get; init; } = 1000;

    public int Seed { get; init; } = 1;
}
