using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Measurements;

/// <summary>
/// The representative ("median") beat of one lead: sample by sample, the mean of the middle half (interquartile
/// mean) of the aligned, dominant beats of the recording (filtered, in millivolts). Robust like a median, so a
/// single noisy or mis-detected beat cannot drag the waveform, but smooth on coarse ADC steps where a plain
/// median jumps between quantisation levels. The name is the one computerized 12-lead programs use.
/// </summary>
public sealed class MedianBeat
{
    public MedianBeat(LeadId lead, float[] millivolts, int fiducialIndex, double samplingRate, int beatCount)
    {
        ArgumentNullException.ThrowIfNull(millivolts);
        ArgumentOutOfRangeException.ThrowIfNegative(fiducialIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fiducialIndex, Math.Max(1, millivolts.Length));
        Lead = lead;
        Millivolts = millivolts;
        FiducialIndex = fiducialIndex;
        SamplingRate = samplingRate;
        BeatCount = beatCount;
    }

    public LeadId Lead { get; }

    /// <summary>The median waveform in millivolts; index <see cref="FiducialIndex"/> is the beat fiducial (near the R peak).</summary>
    public float[] Millivolts { get; }

    public int FiducialIndex { get; }

    public double SamplingRate { get; }

    /// <summary>How many beats the median was taken over.</summary>
    public int BeatCount { get; }

    public int Length => Millivolts.Length;

    /// <summary>Time of sample <paramref name="index"/> relative to the fiducial, in seconds (negative before it).</summary>
    public double SecondsFromFiducial(int index) => (index - FiducialIndex) / SamplingRate;
}
