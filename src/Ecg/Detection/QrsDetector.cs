using System.Runtime.InteropServices;
using Telemed.Ecg.Filters;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Detection;

/// <summary>
/// Streaming multi-lead QRS detector. Each lead is band-passed to the QRS band, differentiated and squared
/// (slope energy, in (mV/s)²) and integrated over a QRS-length window; every lead's integrated energy is
/// divided by that lead's own running QRS level before the leads are summed, so each lead votes with weight
/// about one, a lead whose noise grows is down-weighted as its level rises, and a beat seen in only some leads is
/// still found. Peaks of the sum are classified with adaptive signal and noise levels (Pan–Tompkins 1985),
/// a refractory period, T-wave rejection by slope, and search-back with a lower threshold after a long gap.
/// <para>
/// Feed interleaved frames in millivolts, in blocks of any size; beats come out with a delay of about
/// 0.25 s (longer after a gap, by search-back). Nothing is allocated per sample or per block once running.
/// </para>
/// </summary>
public sealed class QrsDetector
{
    private const float MinLeadLevel = 1.0f; // (mV/s)²: below this a lead's QRS level is noise, not a QRS.
    private const float MinQrsEnergy = 1.0f; // (mV/s)² integrated, mean over leads: the least a QRS can show.
    private const int MaxSearchBackCandidates = 64;
    private const float TWaveEnergyFraction = 0.7f;

    private readonly int _leads;
    private readonly double _fs;
    private readonly double[] _bandPass; // b0 b1 b2 a1 a2 per section
    private readonly double[] _filterState; // per lead, 2 per section
    private readonly float[] _previous; // per lead: band-passed x[n-1], x[n-2]
    private readonly float[] _lastInput; // per lead: last finite input sample
    private readonly double[] _energySum; // per lead running sum over the integration window
    private readonly float[] _leadLevel; // per lead running QRS level of integrated energy
    private readonly float[] _inverseLevel;
    private readonly float[] _leadNoise; // per lead running ratio of between-beat to QRS integrated energy

    // Rings indexed by sample & _ringMask.
    private readonly int _ringMask;
    private readonly float[][] _bandRing; // per lead band-passed signal
    private readonly float[][] _energyRing; // per lead slope energy
    private readonly float[][] _integratedRing; // per lead integrated energy
    private readonly float[] _combinedEnergy; // Σ energy / level
    private readonly float[] _combined; // Σ integrated / level

    private readonly int _window;
    private readonly int _refractory;
    private readonly int _tWave;
    private readonly int _learning;
    private readonly int _hold;
    private readonly int _fiducialSearch;
    private readonly int _aliveWindow;
    private readonly int _groupDelay;
    private readonly double _searchBackFactor;
    private readonly double _earlyFraction;
    private readonly float _weakFraction;
    private readonly float _marginalFactor;

    private readonly List<Candidate> _searchBack = new(64);
    private readonly List<Beat> _beats = new(64);
    private readonly int[] _rr = new int[8];

    private long _n; // samples consumed per lead
    private bool _learned;
    private float _learnMaxCombined;
    private double _learnSumCombined;

    // Peak finder on the combined signal.
    private bool _rising = true;
    private float _peakValue;
    private long _peakIndex = -1;
    private float _lastCombined;

    // Adaptive levels (Pan–Tompkins SPKI, NPKI).
    private float _signalLevel;
    private float _noiseLevel;
    private float _lastQrsSlope;
    private long _lastQrs = -1; // peak index of the integrated signal
    private long _lastFiducial = -1;
    private int _rrCount;
    private int _rrNext;
    private double _rrMean;
    private bool _searchBackChanged;

    public QrsDetector(double samplingRate, int leadCount, QrsDetectorOptions? options = null)
    {
        if (!(samplingRate >= 50) || double.IsInfinity(samplingRate))
        {
            throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "QRS detection needs at least 50 samples per second.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(leadCount, 1);
        var o = options ?? QrsDetectorOptions.Default;
        Options = o;
        _fs = samplingRate;
        _leads = leadCount;

        double high = Math.Min(o.BandHighHz, samplingRate * 0.45);
        var sections = FilterDesign.ButterworthBandPass(2, o.BandLowHz, high, samplingRate);
        _bandPass = sections.Coefficients.ToArray();
        _filterState = new double[leadCount * sections.SectionCount * 2];
        _previous = new float[leadCount * 2];
        _lastInput = new float[leadCount];
        _energySum = new double[leadCount];
        _leadLevel = new float[leadCount];
        _inverseLevel = new float[leadCount];
        _leadNoise = new float[leadCount];

        _window = Math.Max(1, (int)Math.Round(o.IntegrationWindow * samplingRate));
        _refractory = (int)Math.Round(o.RefractoryPeriod * samplingRate);
        _tWave = (int)Math.Round(o.TWaveWindow * samplingRate);
        _learning = Math.Max(_window * 2, (int)Math.Round(o.LearningPeriod * samplingRate));
        _hold = Math.Max(1, (int)Math.Round(0.1 * samplingRate));
        _fiducialSearch = Math.Max(1, (int)Math.Round(0.06 * samplingRate));
        _aliveWindow = (int)Math.Round(1.5 * samplingRate);
        _groupDelay = (int)Math.Round(GroupDelaySeconds(sections, (o.BandLowHz + high) / 2, samplingRate) * samplingRate);
        _searchBackFactor = o.SearchBackFactor;
        _earlyFraction = o.EarlyFraction;
        _weakFraction = (float)o.WeakFraction;
        _marginalFactor = (float)o.MarginalFactor;

        int ring = 1;
        while (ring < _learning + _window + _hold + (2 * _fiducialSearch) + _groupDelay + 8)
        {
            ring <<= 1;
        }

        _ringMask = ring - 1;
        _bandRing = new float[leadCount][];
        _energyRing = new float[leadCount][];
        _integratedRing = new float[leadCount][];
        for (int l = 0; l < leadCount; l++)
        {
            _bandRing[l] = new float[ring];
            _energyRing[l] = new float[ring];
            _integratedRing[l] = new float[ring];
        }

        _combinedEnergy = new float[ring];
        _combined = new float[ring];
    }

    public QrsDetectorOptions Options { get; }

    public double SamplingRate => _fs;

    public int LeadCount => _leads;

    /// <summary>Beats found since the last <see cref="ClearBeats"/>, in time order.</summary>
    public ReadOnlySpan<Beat> Beats => CollectionsMarshal.AsSpan(_beats);

    /// <summary>Forgets the beats already read from <see cref="Beats"/>.</summary>
    public void ClearBeats() => _beats.Clear();

    /// <summary>
    /// Consumes frames of <see cref="LeadCount"/> interleaved samples in millivolts
    /// (lead 0, lead 1, …, lead 0, …). The span must hold whole frames.
    /// </summary>
    public void Process(ReadOnlySpan<float> interleavedMillivolts)
    {
        if (interleavedMillivolts.Length % _leads != 0)
        {
            throw new ArgumentException($"A block must hold whole frames of {_leads} samples; got {interleavedMillivolts.Length}.", nameof(interleavedMillivolts));
        }

        int frames = interleavedMillivolts.Length / _leads;
        for (int f = 0; f < frames; f++)
        {
            ConsumeFrame(interleavedMillivolts.Slice(f * _leads, _leads));
        }
    }

    /// <summary>End of the recording: reports a complex still waiting for its peak to be confirmed.</summary>
    public void Flush()
    {
        if (!_learned)
        {
            FinishLearning();
        }

        if (_rising && _peakIndex >= 0)
        {
            Classify(_peakIndex, _peakValue);
            _rising = false;
        }

        // A complex above threshold that was held back (early and weak, or marginal) waited for a better one;
        // none will come now.
        int best = -1;
        for (int i = 0; i < _searchBack.Count; i++)
        {
            var c = _searchBack[i];
            if (c.HeldBack && (_lastQrs < 0 || c.Index - _lastQrs >= _refractory) && (best < 0 || c.Value > _searchBack[best].Value))
            {
                best = i;
            }
        }

        if (best >= 0)
        {
            Accept(_searchBack[best], searchBack: true);
        }
    }

    /// <summary>Detects beats in a whole recording (all its leads).</summary>
    public static IReadOnlyList<Beat> Detect(EcgRecording recording, QrsDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var detector = new QrsDetector(recording.SamplingRate, recording.Leads.Count, options);
        var result = new List<Beat>(Math.Max(16, (int)(recording.Length / recording.SamplingRate * 2)));
        const int block = 4096;
        int leads = recording.Leads.Count;
        var buffer = new float[block * leads];
        var scale = new float[leads];
        var baseline = new int[leads];
        for (int l = 0; l < leads; l++)
        {
            scale[l] = (float)(1 / recording.Leads[l].AduPerMillivolt);
            baseline[l] = recording.Leads[l].Baseline;
        }

        for (int start = 0; start < recording.Length; start += block)
        {
            int n = Math.Min(block, recording.Length - start);
            for (int l = 0; l < leads; l++)
            {
                var src = recording.Leads[l].Samples.Span.Slice(start, n);
                float s = scale[l];
                int b = baseline[l];
                for (int t = 0, k = l; t < n; t++, k += leads)
                {
                    buffer[k] = (src[t] - b) * s;
                }
            }

            detector.Process(buffer.AsSpan(0, n * leads));
            result.AddRange(detector.Beats);
            detector.ClearBeats();
        }

        detector.Flush();
        result.AddRange(detector.Beats);
        return result;
    }

    private void ConsumeFrame(ReadOnlySpan<float> frame)
    {
        long n = _n;
        int slot = (int)(n & _ringMask);
        int old = (int)((n - _window) & _ringMask);
        bool full = n >= _window;
        var c = _bandPass;
        int sections = c.Length / 5;
        float halfRate = (float)(_fs / 2);
        float combinedEnergy = 0, combined = 0;

        for (int l = 0; l < _leads; l++)
        {
            // A device glitch (NaN, ±∞) would poison the filter state and running sums for good, silencing every
            // lead: hold the last good value instead, so the lead reads as flat for the glitch.
            double x = frame[l];
            if (double.IsFinite(x))
            {
                _lastInput[l] = (float)x;
            }
            else
            {
                x = _lastInput[l];
            }

            int s0 = l * sections * 2;
            for (int s = 0, k = 0; s < sections; s++, k += 5)
            {
                ref double z1 = ref _filterState[s0 + (2 * s)];
                ref double z2 = ref _filterState[s0 + (2 * s) + 1];
                double y = (c[k] * x) + z1;
                z1 = (c[k + 1] * x) - (c[k + 3] * y) + z2;
                z2 = (c[k + 2] * x) - (c[k + 4] * y);
                x = y;
            }

            float band = (float)x;
            float slope = (band - _previous[(2 * l) + 1]) * halfRate; // central difference, mV/s
            _previous[(2 * l) + 1] = _previous[2 * l];
            _previous[2 * l] = band;
            float energy = slope * slope;

            double sum = _energySum[l] + energy - (full ? _energyRing[l][old] : 0f);
            if (sum < 0)
            {
                sum = 0; // rounding drift
            }

            _energySum[l] = sum;
            float integrated = (float)(sum / _window);
            _bandRing[l][slot] = band;
            _energyRing[l][slot] = energy;
            _integratedRing[l][slot] = integrated;
            combinedEnergy += energy * _inverseLevel[l];
            combined += integrated * _inverseLevel[l];
        }

        _n = n + 1;
        if (_learned)
        {
            _combinedEnergy[slot] = combinedEnergy;
            _combined[slot] = combined;
            Step(n, combined);
        }
        else if (_n == _learning)
        {
            FinishLearning();
        }
    }

    private void FinishLearning()
    {
        // Each lead's QRS level starts at the largest integrated energy it showed while learning.
        long count = Math.Min(_n, _ringMask + 1);
        for (int l = 0; l < _leads; l++)
        {
            float max = 0;
            for (long k = 0; k < count; k++)
            {
                max = Math.Max(max, _integratedRing[l][k]);
            }

            _leadLevel[l] = Math.Max(max, MinLeadLevel);
            _inverseLevel[l] = 1 / _leadLevel[l];
        }

        _learned = true;
        for (long k = 0; k < count; k++)
        {
            float e = 0, m = 0;
            for (int l = 0; l < _leads; l++)
            {
                e += _energyRing[l][k] * _inverseLevel[l];
                m += _integratedRing[l][k] * _inverseLevel[l];
            }

            _combinedEnergy[k] = e;
            _combined[k] = m;
            _learnMaxCombined = Math.Max(_learnMaxCombined, m);
            _learnSumCombined += m;
        }

        _signalLevel = 0.5f * _learnMaxCombined;
        _noiseLevel = count > 0 ? (float)(_learnSumCombined / count) : 0;
        for (long k = 0; k < count; k++)
        {
            Step(k, _combined[k]);
        }
    }

    private void Step(long k, float value)
    {
        // Peak finder: a local maximum not exceeded within the hold time is a candidate.
        if (_rising)
        {
            if (value > _peakValue || _peakIndex < 0)
            {
                _peakValue = value;
                _peakIndex = k;
            }
            else if (k - _peakIndex >= _hold)
            {
                Classify(_peakIndex, _peakValue);
                _rising = false;
            }
        }
        else if (value > _lastCombined)
        {
            _rising = true;
            _peakValue = value;
            _peakIndex = k;
        }

        _lastCombined = value;

        if (_lastQrs >= 0 && _rrCount > 0 && _searchBackChanged && k - _lastQrs > _searchBackFactor * _rrMean)
        {
            SearchBack();
        }
    }

    private float Threshold => _noiseLevel + (0.25f * (_signalLevel - _noiseLevel));

    private void Classify(long p, float value)
    {
        if (_lastQrs >= 0 && p - _lastQrs < _refractory)
        {
            return;
        }

        var candidate = Describe(p, value);
        if (candidate.Doubtful)
        {
            return;
        }

        if (value > Threshold)
        {
            // A T wave is slower and smaller than the QRS before it (in the QRS band it keeps well under its
            // energy); a wide ectopic beat in the same window is slower too, but carries most of a QRS's energy.
            if (_lastQrs >= 0 && p - _lastQrs < _tWave && candidate.Slope < 0.5f * _lastQrsSlope && value < TWaveEnergyFraction * _signalLevel)
            {
                _noiseLevel += 0.125f * (value - _noiseLevel);
                return;
            }

            // Far earlier than the rhythm allows and weak: more likely artefact than an ectopic beat (which is
            // early but strong). Barely above threshold and missing from some leads: likewise. Either is kept for
            // search-back in case no better complex follows.
            bool earlyWeak = _rrCount >= 4 && p - _lastQrs < _earlyFraction * _rrMean && value < _weakFraction * _signalLevel;
            bool marginal = _leads > 1 && value < _marginalFactor * Threshold && candidate.Agreement < 1;
            if (earlyWeak || marginal)
            {
                KeepSearchBackBounded();
                _searchBack.Add(candidate with { HeldBack = true });
                _searchBackChanged = true;
                return;
            }

            Accept(candidate, searchBack: false);
            return;
        }

        _noiseLevel += 0.125f * (Math.Min(value, _signalLevel) - _noiseLevel);
        KeepSearchBackBounded();
        _searchBack.Add(candidate);
        _searchBackChanged = true;
    }

    /// <summary>Search-back only ever looks back to the last beat; with no beat for long, keep a bounded window.</summary>
    private void KeepSearchBackBounded()
    {
        if (_searchBack.Count >= MaxSearchBackCandidates)
        {
            _searchBack.RemoveRange(0, _searchBack.Count - (MaxSearchBackCandidates / 2));
        }
    }

    private void SearchBack()
    {
        _searchBackChanged = false;
        float threshold = 0.5f * Threshold;
        int best = -1;
        for (int i = 0; i < _searchBack.Count; i++)
        {
            var c = _searchBack[i];
            if (c.Index - _lastQrs >= _refractory && c.Value > threshold && (best < 0 || c.Value > _searchBack[best].Value))
            {
                best = i;
            }
        }

        if (best >= 0)
        {
            Accept(_searchBack[best], searchBack: true);
        }
    }

    private Candidate Describe(long p, float value)
    {
        // Steepest combined slope within the integration window ending at the peak, then the largest band-passed
        // deflection near it in the lead that contributed most: close to the R (or dominant S) peak.
        long from = Math.Max(0, p - _window), to = p;
        long steepest = p;
        float slope = -1;
        for (long k = from; k <= to; k++)
        {
            float e = _combinedEnergy[k & _ringMask];
            if (e > slope)
            {
                slope = e;
                steepest = k;
            }
        }

        int slot = (int)(steepest & _ringMask);
        int dominant = 0;
        float best = -1;
        int agreeing = 0;
        float loudest = 0, total = 0;
        int quietCleanLead = -1;
        for (int l = 0; l < _leads; l++)
        {
            float e = _energyRing[l][slot] * _inverseLevel[l];
            if (e > best)
            {
                best = e;
                dominant = l;
            }

            float integrated = _integratedRing[l][p & _ringMask];
            total += integrated;
            float relative = integrated / _leadLevel[l];
            if (relative >= 0.25f)
            {
                agreeing++;
            }

            loudest = Math.Max(loudest, relative);
            if (relative < 0.15f && LeadWeight(l) > 0.5f)
            {
                quietCleanLead = l;
            }
        }

        // Far above its own QRS level in one lead while a clean lead shows nothing: an electrode artefact
        // (a loose or knocked electrode), not a heartbeat. Ectopic beats show in every clean lead.
        // Too little slope energy, averaged over the leads, to be a QRS at all (a flat line's noise): no beat,
        // however quiet the rest of the signal is. (The mean, not the largest lead: with 12 leads of noise
        // one of them always peaks somewhere.)
        bool doubtful = (loudest > 3 && quietCleanLead >= 0 && RecentlyAlive(quietCleanLead, p)) || total < MinQrsEnergy * _leads;

        long fiducial = steepest;
        float extreme = -1;
        var band = _bandRing[dominant];
        long lo = Math.Max(Math.Max(0, steepest - _fiducialSearch), _n - _ringMask);
        long hi = Math.Min(steepest + _fiducialSearch, _n - 1);
        for (long k = lo; k <= hi; k++)
        {
            float a = Math.Abs(band[k & _ringMask]);
            if (a > extreme)
            {
                extreme = a;
                fiducial = k;
            }
        }

        fiducial = Math.Max(0, fiducial - _groupDelay);
        return new Candidate(p, value, slope, fiducial, (float)agreeing / _leads, (int)(p & _ringMask), doubtful);
    }

    /// <summary>
    /// A lead that has shown nothing like a QRS for over a second (saturated after a baseline jump, or
    /// disconnected) is no witness that a complex in another lead is an artefact.
    /// </summary>
    private bool RecentlyAlive(int lead, long p)
    {
        long from = Math.Max(Math.Max(0, p - _aliveWindow), _n - _ringMask);
        var ring = _integratedRing[lead];
        float needed = 0.3f * _leadLevel[lead];
        for (long k = from; k < p - _window; k++)
        {
            if (ring[k & _ringMask] >= needed)
            {
                return true;
            }
        }

        return false;
    }

    private void Accept(Candidate c, bool searchBack)
    {
        if (c.Fiducial <= _lastFiducial)
        {
            return;
        }

        float span = Math.Max(_signalLevel - _noiseLevel, 1e-6f);
        float strength = Math.Clamp((c.Value - _noiseLevel) / span, 0, 1);
        float confidence = (0.5f * strength) + (0.5f * c.Agreement);
        _beats.Add(new Beat(c.Fiducial, confidence));

        if (_lastQrs >= 0)
        {
            int rr = (int)(c.Index - _lastQrs);
            _rr[_rrNext] = rr;
            _rrNext = (_rrNext + 1) % _rr.Length;
            _rrCount = Math.Min(_rrCount + 1, _rr.Length);
            long total = 0;
            for (int i = 0; i < _rrCount; i++)
            {
                total += _rr[i];
            }

            _rrMean = (double)total / _rrCount;
        }

        // A single artefact must not lift the levels so far that the next real beats fall below threshold
        // (the classic lock-out): a peak moves the level at most as if it were four times the level.
        _signalLevel += (searchBack ? 0.25f : 0.125f) * (Math.Min(c.Value, 4 * _signalLevel) - _signalLevel);

        UpdateLeadWeights(c, searchBack);

        _lastQrsSlope = c.Slope;
        _lastQrs = c.Index;
        _lastFiducial = c.Fiducial;
        int keep = 0;
        for (int i = 0; i < _searchBack.Count; i++)
        {
            if (_searchBack[i].Index > c.Index)
            {
                _searchBack[keep++] = _searchBack[i];
            }
        }

        _searchBack.RemoveRange(keep, _searchBack.Count - keep);
        _searchBackChanged = _searchBack.Count > 0;
    }

    /// <summary>
    /// Each lead's QRS level follows the energy it shows at accepted beats; its noise ratio follows the largest
    /// energy it shows between beats. A lead whose between-beat energy rivals its QRS energy (artefact, big T
    /// waves, a loose electrode) gets a small weight, so noise in one lead cannot outvote clean leads.
    /// </summary>
    private void UpdateLeadWeights(Candidate c, bool searchBack)
    {
        long from = Math.Max(_lastQrs + _hold, _n - _ringMask);
        long to = c.Index - _window - _hold;
        bool between = _lastQrs >= 0 && to > from;
        float weightSum = 0;
        for (int l = 0; l < _leads; l++)
        {
            var ring = _integratedRing[l];
            if (between)
            {
                float max = 0;
                for (long k = from; k <= to; k++)
                {
                    max = Math.Max(max, ring[k & _ringMask]);
                }

                // Noise is believed at once and forgotten slowly: a loose electrode must lose its vote quickly.
                float ratio = Math.Min(max / _leadLevel[l], 1000f);
                _leadNoise[l] += (ratio > _leadNoise[l] ? 0.5f : 0.125f) * (ratio - _leadNoise[l]);
            }

            // After search-back the ring may no longer hold the beat: keep the level.
            if (!searchBack || c.Index > _n - _ringMask)
            {
                float level = _leadLevel[l] + (0.125f * (Math.Min(ring[c.Slot], 4 * _leadLevel[l]) - _leadLevel[l]));
                _leadLevel[l] = Math.Max(level, MinLeadLevel);
            }

            weightSum += LeadWeight(l);
        }

        for (int l = 0; l < _leads; l++)
        {
            _inverseLevel[l] = LeadWeight(l) * _leads / (weightSum * _leadLevel[l]);
        }
    }

    private float LeadWeight(int lead)
    {
        float r = _leadNoise[lead];
        return 1 / (1 + (4 * r * r));
    }

    private static double GroupDelaySeconds(SecondOrderSections sections, double hz, double fs)
    {
        const double dh = 0.01;
        double p1 = sections.Response(hz - dh, fs).Phase;
        double p2 = sections.Response(hz + dh, fs).Phase;
        double dp = p2 - p1;
        if (dp > Math.PI)
        {
            dp -= 2 * Math.PI;
        }
        else if (dp < -Math.PI)
        {
            dp += 2 * Math.PI;
        }

        return -dp / (2 * Math.PI * 2 * dh);
    }

    private readonly record struct Candidate(long Index, float Value, float Slope, long Fiducial, float Agreement, int Slot, bool Doubtful)
    {
        /// <summary>Above threshold but held back for search-back (early and weak, or marginal).</summary>
        public bool HeldBack { get; init; }
    }
}
