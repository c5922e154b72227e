namespace Telemed.Ecg.Signals;

/// <summary>
/// One lead of a recording. Samples are kept as the integers the device produced (ADC units), so
/// nothing is lost in round trips; physical value = (adu - Baseline) / Gain in <see cref="Units"/>, and
/// <see cref="ToMillivolts(int)"/> converts volts and microvolts too, so every consumer works in millivolts.
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

        ArgumentNullException.ThrowIfNull(units);
        Id = id;
        Label = label;
        Samples = samples;
        Gain = gain;
        Baseline = baseline;
        Units = units;
        AduPerMillivolt = MillivoltsPer(units) is double mv ? gain / mv : double.NaN;
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

    /// <summary>True when <see cref="Units"/> is a voltage (V, mV, µV), so the lead can be read in millivolts.</summary>
    public bool IsVoltage => !double.IsNaN(AduPerMillivolt);

    /// <summary>ADC units per millivolt, whatever voltage unit the source used; NaN for a non-voltage signal.</summary>
    public double AduPerMillivolt { get; }

    public double ToMillivolts(int adu) => (adu - Baseline) / VoltageGain;

    /// <summary>Value of sample <paramref name="index"/> in millivolts.</summary>
    public double this[int index] => (Samples.Span[index] - Baseline) / VoltageGain;

    private double VoltageGain => IsVoltage
        ? AduPerMillivolt
        : throw new InvalidOperationException($"Lead {Label} is in '{Units}', not a voltage; it cannot be read in millivolts.");

    /// <summary>Millivolts per unit for the voltage units devices and files use; null for anything else.</summary>
    public static double? MillivoltsPer(string units) => units?.Trim() switch
    {
        "" or "mV" or "mv" or "millivolt" or "millivolts" => 1,
        "uV" or "µV" or "μV" or "uv" or "microvolt" or "microvolts" => 1e-3,
        "V" or "v" or "volt" or "volts" => 1e3,
        "nV" => 1e-6,
        _ => null,
    };

    /// <summary>Writes samples [start, start + destination.Length) in millivolts into <paramref name="destination"/>.</summary>
    public void CopyMillivolts(int start, Span<float> destination)
    {
        var src = Samples.Span.Slice(start, destination.Length);
        float scale = (float)(1.0 / VoltageGain);
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
