using Telemed.Ecg.Wfdb;

namespace Telemed.Ecg.Evaluation;

/// <summary>
/// Compares detected beats with reference annotations the way ANSI/AAMI EC57 prescribes and WFDB bxb does:
/// a detection matches a reference beat within a window (150 ms), each used once; only beat codes count;
/// scoring starts after a learning period (5 min); ventricular flutter/fibrillation episodes (between the
/// reference's '[' and ']' annotations) are not scored.
/// </summary>
public static class BeatMatcher
{
    private const int VfOn = 32, VfOff = 33; // ecgcodes.h: VFON '[' and VFOFF ']'

    public static BeatMatchResult Compare(
        string record,
        IReadOnlyList<Annotation> reference,
        IReadOnlyList<long> detections,
        double samplingRate,
        double matchWindowSeconds = 0.150,
        double learningPeriodSeconds = 300,
        List<long>? missed = null,
        List<long>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(detections);
        long window = (long)Math.Round(matchWindowSeconds * samplingRate);
        long start = (long)Math.Round(learningPeriodSeconds * samplingRate);

        var beats = new List<long>(reference.Count);
        var excluded = new List<(long From, long To)>();
        long vfStart = -1;
        foreach (var a in reference)
        {
            if (a.Code == VfOn)
            {
                vfStart = a.Sample;
            }
            else if (a.Code == VfOff && vfStart >= 0)
            {
                excluded.Add((vfStart, a.Sample));
                vfStart = -1;
            }
            else if (a.IsBeat)
            {
                beats.Add(a.Sample);
            }
        }

        if (vfStart >= 0)
        {
            excluded.Add((vfStart, long.MaxValue));
        }

        int tp = 0, fn = 0, fp = 0;
        double offsetSum = 0, offsetSquares = 0;
        int i = 0, j = 0;
        while (i < beats.Count || j < detections.Count)
        {
            long r = i < beats.Count ? beats[i] : long.MaxValue;
            long t = j < detections.Count ? detections[j] : long.MaxValue;
            if (t < r - window)
            {
                CountFalsePositive(t);
                j++;
            }
            else if (r < t - window)
            {
                CountFalseNegative(r);
                i++;
            }
            else if (j + 1 < detections.Count && Math.Abs(detections[j + 1] - r) < Math.Abs(t - r))
            {
                // The next detection is closer to this reference beat: this one is extra.
                CountFalsePositive(t);
                j++;
            }
            else if (i + 1 < beats.Count && Math.Abs(beats[i + 1] - t) < Math.Abs(r - t))
            {
                // This detection belongs to the next reference beat: this beat was missed.
                CountFalseNegative(r);
                i++;
            }
            else
            {
                if (Scored(r))
                {
                    tp++;
                    double d = (t - r) / samplingRate;
                    offsetSum += d;
                    offsetSquares += d * d;
                }

                i++;
                j++;
            }
        }

        double mean = tp > 0 ? offsetSum / tp : 0;
        double sd = tp > 1 ? Math.Sqrt(Math.Max(0, (offsetSquares - (tp * mean * mean)) / (tp - 1))) : 0;
        return new BeatMatchResult(record, tp, fn, fp) { MeanOffset = mean, OffsetSpread = sd };

        void CountFalsePositive(long sample)
        {
            if (Scored(sample))
            {
                fp++;
                extra?.Add(sample);
            }
        }

        void CountFalseNegative(long sample)
        {
            if (Scored(sample))
            {
                fn++;
                missed?.Add(sample);
            }
        }

        bool Scored(long sample)
        {
            if (sample < start)
            {
                return false;
            }

            foreach (var (from, to) in excluded)
            {
                if (sample >= from && sample <= to)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
