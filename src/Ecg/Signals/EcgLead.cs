namespace Telemed.Ecg.Signals;

/// <summary>
/// One lead of a recording. Samples are kept as the integers the device produced (ADC units), so
/// nothing is lost in round trips; physical value in millivolts = (adu - Baseline) / Gain.
/// The samples are a <see cref="ReadOnlyMemory{T}"/> so a time window is a view, not a copy.
/// </summary>
public sealed class EcgLead
{
    public EcgLead(LeadId id, string label, ReadOnlyMemory<int> samples, double gain, int baseline, string units = "mV")
    {
        ArgumentNullException.ThrowIfNull(label);
        if (!(gain > 0) || double.IsInfinity(gain))
        {
            throw new ArgumentOutOfRangeException(nameof(gain), gain, $"Lead {label}: gain must be a positive number of ADC units per {units}.");
        }

        Id = id;
        Label = label;
        Samples = samples;
        Gain = gain;
        Baseline = baseline;
        Units = units;
    }

    public LeadId Id { get; }

    /// <summary>The label as the source named it (e.g. "MLII", "V5").</summary>
    public string Label { get; }

    /// <summary>Raw samples in ADC units.</summary>
    public ReadOnlyMemory<int> Samples { get; }

    /// <summary>ADC units per physical unit (per millivolt for ECG).</summary>
    public double Gain { get; }

    /// <summary>ADC value that corresponds to 0 physical units.</summary>
    public int Baseline { get; }

    public string Units { get; }

    public int Length => Samples.Length;

    public double ToMillivolts(int adu) => (adu - Baseline) / Gain;

    /// <summary>Physical value of sample <paramref name="index"/> in millivolts.</summary>
    public double this[int index] => (Samples.Span[index] - Baseline) / Gain;

    /// <summary>Writes samples [start, start + destination.Length) in millivolts into <paramref name="destination"/>.</summary>
    public void CopyMillivolts(int start, Span<float> destination)
    {
        var src = Samples.Span.Slice(start, destination.Length);
        float scale = (float)(1.0 / Gain);
        int baseline = Baseline;
        for (int i = 0; i < src.Length; i++)
        {
            destination[i] = (src[i] - baseline) * scale;
        }
    }

    /// <summary>The whole lead in millivolts (allocates; for analysis of short resting ECGs).</summary>
    public float[] ToMillivolts()
    {
        var result = new float[Length];
        CopyMillivolts(0, result);
        return result;
    }

    public EcgLead Slice(int start, int length) => new(Id, Label, Samples.Slice(start, length), Gain, Baseline, Units);
}
