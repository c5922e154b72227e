using Telemed.Ecg.Detection;

namespace Telemed.ConsultHub.Live.Ecg;

/// <summary>
/// The streaming analysis for a browser-attached device that sends samples without beats (PublishEcg): the same causal
/// QRS detector the gateway runs on device streams, fed batch by batch, and the heart rate over the last beats. One per
/// connection and stream; SignalR runs one invocation of a connection at a time, so it needs no lock. A batch that
/// does not continue the previous one (a gap, other leads or rate) starts the analysis over.
/// </summary>
internal sealed class EcgBrowserAnalysis
{
    /// <summary>Heart rate is the mean RR over this many last intervals, as for device streams.</summary>
    private const int RateIntervals = 8;

    private readonly int leads;
    private readonly int samplingRate;
    private readonly QrsDetector detector;
    private readonly long[] recent = new long[RateIntervals + 1];
    private float[] millivolts = [];
    private int recentCount;
    private long nextSample;
    private double? heartRate;

    private EcgBrowserAnalysis(int leads, int samplingRate, long firstSample)
    {
        this.leads = leads;
        this.samplingRate = samplingRate;
        nextSample = firstSample;
        detector = new QrsDetector(samplingRate, leads);
    }

    /// <summary>The batch with the beats confirmed by it and the current rate; <paramref name="analysis"/> is replaced when the batch does not continue it.</summary>
    public static EcgLiveBatch Analyze(ref EcgBrowserAnalysis? analysis, EcgLiveBatch batch)
    {
        int leadCount = batch.Samples.Length;
        if (analysis is null || analysis.leads != leadCount || analysis.samplingRate != batch.SamplingRate || analysis.nextSample != batch.FirstSample)
        {
            analysis = new EcgBrowserAnalysis(leadCount, batch.SamplingRate, batch.FirstSample);
        }

        return analysis.Process(batch);
    }

    private EcgLiveBatch Process(EcgLiveBatch batch)
    {
        int frames = batch.Samples[0].Length;
        if (millivolts.Length < frames * leads)
        {
            millivolts = new float[frames * leads];
        }

        Span<float> mv = millivolts.AsSpan(0, frames * leads);
        for (int l = 0; l < leads; l++)
        {
            int[] lead = batch.Samples[l];
            for (int f = 0, k = l; f < frames; f++, k += leads)
            {
                mv[k] = lead[f] / 1000f;
            }
        }

        detector.Process(mv);
        nextSample += frames;
        ReadOnlySpan<Beat> found = detector.Beats;
        var beats = new EcgLiveBeat[found.Length];
        for (int i = 0; i < found.Length; i++)
        {
            beats[i] = new EcgLiveBeat(found[i].Sample, EcgLiveBeat.Unclassified);
            if (recentCount == recent.Length)
            {
                Array.Copy(recent, 1, recent, 0, recent.Length - 1);
                recentCount--;
            }

            recent[recentCount++] = found[i].Sample;
        }

        detector.ClearBeats();
        if (recentCount >= 2)
        {
            heartRate = 60.0 * samplingRate * (recentCount - 1) / (recent[recentCount - 1] - recent[0]);
        }

        return batch with { Beats = beats, HeartRate = heartRate };
    }
}
