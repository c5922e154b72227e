using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Telemed.Ecg.Detection;
using Telemed.Ecg.Filters;
using Telemed.Ecg.Wfdb;

namespace Telemed.Benchmarks;

/// <summary>
/// The live path: a 30-minute two-lead MIT-BIH record (1.3 M samples) fed in one-second blocks through the monitoring
/// filter chain (0.5 Hz high-pass, 40 Hz low-pass, 50 Hz notch) and the QRS detector, as a device stream would be.
/// Throughput in samples/s = 1,300,000 / mean time.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0)]
public class QrsDetectionBenchmarks
{
    private float[] _frames = [];
    private float[][] _leads = [];
    private int _rate;

    [GlobalSetup]
    public void Setup()
    {
        var recording = WfdbRecordReader.Read(ReferenceData.MitdbRecord("100"));
        _rate = (int)recording.SamplingRate;
        _leads = recording.Leads.Select(l => l.ToMillivolts()).ToArray();
        _frames = new float[recording.Length * _leads.Length];
        for (int t = 0; t < recording.Length; t++)
        {
            for (int l = 0; l < _leads.Length; l++)
            {
                _frames[(t * _leads.Length) + l] = _leads[l][t];
            }
        }
    }

    [Benchmark(Description = "QRS detection, 2 leads, 1 s blocks")]
    public int Detect()
    {
        var detector = new QrsDetector(_rate, _leads.Length);
        int beats = 0;
        int block = _rate * _leads.Length;
        for (int i = 0; i + block <= _frames.Length; i += block)
        {
            detector.Process(_frames.AsSpan(i, block));
            beats += detector.Beats.Length;
            detector.ClearBeats();
        }

        detector.Flush();
        return beats + detector.Beats.Length;
    }

    [Benchmark(Description = "Monitoring filter chain + QRS detection, 2 leads, 1 s blocks")]
    public int FilterAndDetect()
    {
        int leads = _leads.Length;
        var sections = EcgFilterSettings.Monitoring.Design(_rate);
        var filters = new StreamingFilter[leads];
        var filtered = new float[leads][];
        for (int l = 0; l < leads; l++)
        {
            filters[l] = new StreamingFilter(sections);
            filtered[l] = new float[_rate];
        }

        var frames = new float[_rate * leads];
        var detector = new QrsDetector(_rate, leads);
        int beats = 0;
        int length = _leads[0].Length;
        for (int start = 0; start + _rate <= length; start += _rate)
        {
            for (int l = 0; l < leads; l++)
            {
                filters[l].Process(_leads[l].AsSpan(start, _rate), filtered[l]);
                var f = filtered[l];
                for (int t = 0, k = l; t < f.Length; t++, k += leads)
                {
                    frames[k] = f[t];
                }
            }

            detector.Process(frames);
            beats += detector.Beats.Length;
            detector.ClearBeats();
        }

        detector.Flush();
        return beats + detector.Beats.Length;
    }
}
