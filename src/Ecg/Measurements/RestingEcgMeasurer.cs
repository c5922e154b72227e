using Telemed.Ecg.Detection;
using Telemed.Ecg.Filters;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Measurements;

/// <summary>
/// Measures a resting 12-lead ECG from its detected beats: rate and RR statistics over all beats; intervals,
/// axis and ST levels on median beats after zero-phase filtering. Works on any sampling rate from 128 Hz up:
/// all windows are in seconds and all thresholds in millivolts.
/// </summary>
public static class RestingEcgMeasurer
{
    // Median-beat window around the fiducial: room for a 300 ms PR before a wide QRS, and a long QT after it.
    private const double PreSeconds = 0.5;
    private const double PostSeconds = 0.65;

    /// <summary>
    /// Zero-phase filtering permits a 0.67 Hz high-pass without distorting the ST segment, and removes
    /// baseline wander far better than 0.05 Hz (Kligfield et al., AHA/ACCF/HRS recommendations for the
    /// standardization of the ECG, Part I, Circulation 2007); upper band as <see cref="EcgFilterSettings.Diagnostic"/>.
    /// No mains notch: interference is not synchronous with the heart, so averaging beats already cancels it, whereas
    /// a narrow notch rings after every QRS (its impulse response lasts ~Q/(π·f₀) ≈ 0.2 s at Q 30) and that ringing
    /// is beat-locked, so it survives averaging as a 50 Hz ripple on the ST segment and P wave (and the mains
    /// frequency is not known from the record: MIT-BIH was recorded on 60 Hz mains).
    /// </summary>
    public static EcgFilterSettings DefaultFilter { get; } = EcgFilterSettings.Diagnostic with { HighPassHz = 0.67, NotchHz = null };

    public static RestingEcgMeasurements Measure(EcgRecording recording, IReadOnlyList<Beat> beats) =>
        Measure(recording, beats, DefaultFilter);

    public static RestingEcgMeasurements Measure(EcgRecording recording, IReadOnlyList<Beat> beats, EcgFilterSettings filter)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(beats);
        ArgumentNullException.ThrowIfNull(filter);

        var full = recording.WithDerivedLimbLeads();
        double fs = full.SamplingRate;
        var fiducials = SortedFiducials(beats, full.Length);

        // Rate and RR over every beat: the rhythm is what it is, ectopics included.
        double? rrMean = null, rrSd = null, heartRate = null;
        double? rrMedianSeconds = null;
        if (fiducials.Length >= 2)
        {
            var rr = new double[fiducials.Length - 1];
            for (int i = 0; i < rr.Length; i++)
            {
                rr[i] = (fiducials[i + 1] - fiducials[i]) * 1000.0 / fs;
            }

            double mean = rr.Average();
            rrMean = mean;
            rrSd = rr.Length >= 2 ? Math.Sqrt(rr.Sum(v => (v - mean) * (v - mean)) / (rr.Length - 1)) : null;
            heartRate = 60000.0 / mean;
            rrMedianSeconds = MedianBeatBuilder.MedianOf(rr) / 1000.0;
        }

        var empty = new RestingEcgMeasurements(heartRate, rrMean, rrSd, null, null, null, null, null, null, null,
            new Dictionary<LeadId, MedianBeat>(), new Dictionary<LeadId, double>(), new Dictionary<LeadId, double>(), 0, fiducials.Length);
        if (fiducials.Length == 0)
        {
            return empty;
        }

        var sections = filter.Design(fs);
        var filtered = new float[full.Leads.Count][];
        var raw = new float[full.Length];
        for (int l = 0; l < filtered.Length; l++)
        {
            full.Leads[l].CopyMillivolts(0, raw);
            filtered[l] = ZeroPhaseFilter.Apply(sections, raw);
        }

        int pre = (int)Math.Round(PreSeconds * fs);
        int post = (int)Math.Round(PostSeconds * fs);
        var built = MedianBeatBuilder.Build(filtered, fiducials, fs, pre, post);
        if (built.BeatsUsed == 0)
        {
            return empty;
        }

        var medianBeats = new Dictionary<LeadId, MedianBeat>();
        for (int l = 0; l < filtered.Length; l++)
        {
            medianBeats.TryAdd(full.Leads[l].Id, new MedianBeat(full.Leads[l].Id, built.Medians[l], pre, fs, built.BeatsUsed));
        }

        var stJ = new Dictionary<LeadId, double>();
        var stJ60 = new Dictionary<LeadId, double>();
        var found = WaveDelineation.Delineate(built.Medians, pre, fs, rrMedianSeconds);
        if (found is not WaveDelineation.Result d)
        {
            return empty with { MedianBeats = medianBeats, BeatsUsed = built.BeatsUsed, BeatsExcluded = built.BeatsExcluded };
        }

        double ms = 1000.0 / fs;
        double qrs = (d.QrsOffset - d.QrsOnset) * ms;
        double? pr = d.POnset is int p ? (d.QrsOnset - p) * ms : null;
        double? qt = d.TEnd is int t ? (t - d.QrsOnset) * ms : null;
        double? rrSeconds = rrMean / 1000.0;
        double? bazett = qt is double q1 && rrSeconds is double r1 ? q1 / Math.Sqrt(r1) : null;
        double? fridericia = qt is double q2 && rrSeconds is double r2 ? q2 / Math.Cbrt(r2) : null;

        int j60 = d.QrsOffset + (int)Math.Round(0.06 * fs);
        for (int l = 0; l < filtered.Length; l++)
        {
            var id = full.Leads[l].Id;
            var x = built.Medians[l];
            stJ.TryAdd(id, x[d.QrsOffset] - d.Baseline[l]);
            if (j60 < x.Length)
            {
                stJ60.TryAdd(id, x[j60] - d.Baseline[l]);
            }
        }

        double? axis = FrontalAxis(full, built.Medians, d);
        var fiducialPoints = new FiducialPoints(fs, pre, d.QrsOnset, d.QrsOffset, d.POnset, d.TEnd);
        return new RestingEcgMeasurements(heartRate, rrMean, rrSd, pr, qrs, qt, bazett, fridericia, axis, fiducialPoints,
            medianBeats, stJ, stJ60, built.BeatsUsed, built.BeatsExcluded);
    }

    private static int[] SortedFiducials(IReadOnlyList<Beat> beats, int length)
    {
        var list = new List<int>(beats.Count);
        foreach (var beat in beats)
        {
            if (beat.Sample >= 0 && beat.Sample < length)
            {
                list.Add((int)beat.Sample);
            }
        }

        list.Sort();

        // The same complex reported twice is one beat.
        var unique = new List<int>(list.Count);
        foreach (int s in list)
        {
            if (unique.Count == 0 || s != unique[^1])
            {
                unique.Add(s);
            }
        }

        return [.. unique];
    }

    /// <summary>
    /// Hexaxial frontal axis from the net QRS areas of I (0°) and aVF (+90°). On the Einthoven triangle
    /// aVF = (√3/2)·|H|·sin θ while I = |H|·cos θ, hence θ = atan2(2·aVF/√3, I).
    /// </summary>
    private static double? FrontalAxis(EcgRecording full, float[][] medians, WaveDelineation.Result d)
    {
        int iIndex = -1, avfIndex = -1;
        for (int l = 0; l < full.Leads.Count; l++)
        {
            if (full.Leads[l].Id == LeadId.I && iIndex < 0)
            {
                iIndex = l;
            }
            else if (full.Leads[l].Id == LeadId.aVF && avfIndex < 0)
            {
                avfIndex = l;
            }
        }

        if (iIndex < 0 || avfIndex < 0)
        {
            return null;
        }

        double areaI = NetArea(medians[iIndex], d.Baseline[iIndex], d.QrsOnset, d.QrsOffset);
        double areaAvf = NetArea(medians[avfIndex], d.Baseline[avfIndex], d.QrsOnset, d.QrsOffset);
        double y = 2 * areaAvf / Math.Sqrt(3);
        double seconds = (d.QrsOffset - d.QrsOnset + 1) / full.SamplingRate;

        // Net areas under 2 µV·s in both leads: the frontal projection is too small to have a direction.
        if (Math.Sqrt((areaI * areaI) + (y * y)) * seconds < 0.002)
        {
            return null;
        }

        return Math.Atan2(y, areaI) * 180 / Math.PI;
    }

    // Mean deviation from baseline over the QRS (proportional to net area; the common factor cancels in the angle).
    private static double NetArea(float[] x, double baseline, int from, int to)
    {
        double sum = 0;
        for (int i = from; i <= to; i++)
        {
            sum += x[i] - baseline;
        }

        return sum / (to - from + 1);
    }
}
