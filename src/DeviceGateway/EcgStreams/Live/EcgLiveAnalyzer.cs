using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.DeviceGateway.EcgStreams.Segments;
using Telemed.Ecg.Detection;
using Telemed.Ecg.Filters;
using Telemed.Ecg.Rhythm;

namespace Telemed.DeviceGateway.EcgStreams.Live;

/// <summary>
/// Runs the ECG core live on one stream: every block is converted to millivolts, filtered for display
/// (<see cref="StreamingFilter"/> per lead) and fed to a <see cref="QrsDetector"/> on all leads. Both are causal and
/// carry their state across blocks, so beats equal those of the detector run offline on the whole recording.
/// Nothing is allocated per block; an update is allocated only when beats or flags change.
/// </summary>
internal sealed class EcgLiveAnalyzer
{
    /// <summary>Heart rate is the mean RR over this many last intervals (about 8 s at rest): steady, yet quick to follow.</summary>
    private const int RateIntervals = 8;

    private readonly Guid _recordingId;
    private readonly string _deviceId;
    private readonly int _leads;
    private readonly double _fs;
    private readonly float[] _scale;
    private readonly float[] _baseline;
    private readonly StreamingFilter[] _filters;
    private readonly QrsDetector _detector;
    private readonly float[] _millivolts;
    private readonly float[] _lead;
    private readonly float[] _filtered;
    private readonly long[] _recentBeats = new long[RateIntervals + 1];
    private readonly IEcgLiveObserver? _observer;
    private readonly List<EcgFlagKind> _flags = [];
    private int _recentCount;
    private long _lastBeat = -1;

    public EcgLiveAnalyzer(EcgSegmentMetadata metadata, EcgFilterSettings display, IEcgLiveObserver? observer)
    {
        _recordingId = metadata.RecordingId;
        _deviceId = metadata.DeviceId;
        _leads = metadata.Leads.Count;
        _fs = metadata.SamplingRateHz;
        _observer = observer;
        _scale = new float[_leads];
        _baseline = new float[_leads];
        _filters = new StreamingFilter[_leads];
        var sections = display.Design(_fs);
        for (int l = 0; l < _leads; l++)
        {
            // The same float conversion QrsDetector.Detect uses offline, so live and offline beats are identical.
            _scale[l] = (float)(1 / metadata.Leads[l].AduPerMillivolt);
            _baseline[l] = metadata.Leads[l].Baseline;
            _filters[l] = new StreamingFilter(sections);
        }

        _detector = new QrsDetector(_fs, _leads);
        int maxSamples = EcgStreamLimits.MaxFramesPerBlock(_leads) * _leads;
        _millivolts = new float[maxSamples];
        _filtered = new float[maxSamples];
        _lead = new float[EcgStreamLimits.MaxFramesPerBlock(_leads)];
    }

    public long SampleCount { get; private set; }

    public double? HeartRateBpm { get; private set; }

    /// <summary>Analyses the next block; with <paramref name="publish"/> false (replaying a segment after a restart) nothing is reported.</summary>
    public void Process(ReadOnlySpan<short> interleaved, bool publish)
    {
        int leads = _leads;
        int frames = interleaved.Length / leads;
        Span<float> mv = _millivolts.AsSpan(0, interleaved.Length);
        for (int l = 0; l < leads; l++)
        {
            float s = _scale[l];
            int b = (int)_baseline[l];
            for (int k = l; k < mv.Length; k += leads)
            {
                mv[k] = (interleaved[k] - b) * s;
            }
        }

        long first = SampleCount;
        _detector.Process(mv);
        SampleCount += frames;

        if (publish && _observer is not null)
        {
            _observer.OnSamples(_recordingId, first, interleaved);
            Span<float> lead = _lead.AsSpan(0, frames);
            Span<float> filtered = _filtered.AsSpan(0, mv.Length);
            for (int l = 0; l < leads; l++)
            {
                for (int f = 0, k = l; f < frames; f++, k += leads)
                {
                    lead[f] = mv[k];
                }

                _filters[l].Process(lead, lead);
                for (int f = 0, k = l; f < frames; f++, k += leads)
                {
                    filtered[k] = lead[f];
                }
            }

            _observer.OnFilteredSamples(_recordingId, first, leads, filtered);
        }
        else
        {
            // The display filters must keep their state in step even when nothing is shown.
            Span<float> lead = _lead.AsSpan(0, frames);
            for (int l = 0; l < leads; l++)
            {
                for (int f = 0, k = l; f < frames; f++, k += leads)
                {
                    lead[f] = mv[k];
                }

                _filters[l].Process(lead, lead);
            }
        }

        UpdateRhythm(publish);
    }

    /// <summary>End of the recording: the detector reports a complex still waiting for confirmation.</summary>
    public void Flush(bool publish)
    {
        _detector.Flush();
        UpdateRhythm(publish);
    }

    private void UpdateRhythm(bool publish)
    {
        var beats = _detector.Beats;
        foreach (var beat in beats)
        {
            if (_recentCount == _recentBeats.Length)
            {
                Array.Copy(_recentBeats, 1, _recentBeats, 0, _recentBeats.Length - 1);
                _recentCount--;
            }

            _recentBeats[_recentCount++] = beat.Sample;
            _lastBeat = beat.Sample;
        }

        HeartRateBpm = _recentCount >= 2 ? 60 * _fs * (_recentCount - 1) / (_recentBeats[_recentCount - 1] - _recentBeats[0]) : null;
        bool flagsChanged = UpdateFlags();
        if (publish && _observer is not null && (beats.Length > 0 || flagsChanged))
        {
            _observer.OnRhythm(new EcgLiveRhythm(_recordingId, _deviceId, SampleCount, beats.ToArray(), HeartRateBpm, _flags.ToArray()));
        }

        _detector.ClearBeats();
    }

    /// <summary>The flags a live view can judge: the rate bands of <see cref="RhythmFlagger"/> and a pause since the last beat.</summary>
    private bool UpdateFlags()
    {
        bool brady = false, tachy = false, marked = false;
        if (HeartRateBpm is double rate)
        {
            brady = rate < RhythmFlagger.BradycardiaBpm;
            marked = rate > RhythmFlagger.MarkedTachycardiaBpm;
            tachy = !marked && rate > RhythmFlagger.TachycardiaBpm;
        }

        // The detector confirms a beat about 0.25 s late; a pause is judged past that delay.
        bool pause = _lastBeat >= 0 && (SampleCount - _lastBeat) / _fs > RhythmFlagger.PauseSeconds + 0.5;
        bool changed = Set(EcgFlagKind.Bradycardia, brady) | Set(EcgFlagKind.Tachycardia, tachy)
            | Set(EcgFlagKind.MarkedTachycardia, marked) | Set(EcgFlagKind.Pause, pause);
        return changed;
    }

    private bool Set(EcgFlagKind kind, bool on)
    {
        bool has = _flags.Contains(kind);
        if (on == has)
        {
            return false;
        }

        if (on)
        {
            _flags.Add(kind);
        }
        else
        {
            _flags.Remove(kind);
        }

        return true;
    }
}
