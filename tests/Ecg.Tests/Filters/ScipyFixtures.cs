using System.Numerics;
using System.Text.Json;
using Telemed.Ecg.Filters;

namespace Telemed.Ecg.Tests.Filters;

/// <summary>One scipy-designed filter from Fixtures/filter_fixtures.json (see make_filter_fixtures.py).</summary>
internal sealed record ScipyFilter(
    double SamplingRate,
    string Kind,
    int Order,
    double[] Parameters,
    double[][] Sos,
    double[] Frequencies,
    Complex[] Response,
    double[]? SosFilt,
    double[]? SosFiltFilt)
{
    public string Name => $"{Kind} order {Order} ({string.Join(", ", Parameters)}) at {SamplingRate} Hz";

    /// <summary>Our design of the same specification.</summary>
    public SecondOrderSections Design() => Kind switch
    {
        "highpass" => FilterDesign.ButterworthHighPass(Order, Parameters[0], SamplingRate),
        "lowpass" => FilterDesign.ButterworthLowPass(Order, Parameters[0], SamplingRate),
        "bandpass" => FilterDesign.ButterworthBandPass(Order, Parameters[0], Parameters[1], SamplingRate),
        "notch" => FilterDesign.Notch(Parameters[0], Parameters[1], SamplingRate),
        _ => throw new InvalidOperationException($"Unknown filter kind {Kind} in the fixture."),
    };

    /// <summary>scipy's own sections as ours (a0 is 1 in scipy's output).</summary>
    public SecondOrderSections ScipySections() =>
        new([.. Sos.SelectMany(row => new[] { row[0] / row[3], row[1] / row[3], row[2] / row[3], row[4] / row[3], row[5] / row[3] })]);
}

internal sealed record ScipyRate(double SamplingRate, double[] Frequencies, IReadOnlyList<ScipyFilter> Filters, Complex[] Monitoring, Complex[] Diagnostic);

internal static class ScipyFixtures
{
    private static readonly Lazy<(float[] Signal, IReadOnlyList<ScipyRate> Rates)> Data = new(Load);

    /// <summary>The test signal, as float32 (exactly what scipy filtered).</summary>
    public static float[] Signal => Data.Value.Signal;

    public static IReadOnlyList<ScipyRate> Rates => Data.Value.Rates;

    public static IEnumerable<ScipyFilter> AllFilters => Rates.SelectMany(r => r.Filters);

    private static (float[], IReadOnlyList<ScipyRate>) Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Fixture("filter_fixtures.json")));
        var root = doc.RootElement;
        float[] signal = [.. root.GetProperty("signal").EnumerateArray().Select(e => (float)e.GetDouble())];
        var rates = new List<ScipyRate>();
        foreach (var r in root.GetProperty("rates").EnumerateArray())
        {
            double fs = r.GetProperty("fs").GetDouble();
            double[] freqs = Doubles(r.GetProperty("frequencies"));
            var filters = new List<ScipyFilter>();
            foreach (var f in r.GetProperty("filters").EnumerateArray())
            {
                filters.Add(new ScipyFilter(
                    fs,
                    f.GetProperty("kind").GetString()!,
                    f.GetProperty("order").GetInt32(),
                    Doubles(f.GetProperty("params")),
                    [.. f.GetProperty("sos").EnumerateArray().Select(Doubles)],
                    freqs,
                    Complexes(f.GetProperty("response")),
                    f.TryGetProperty("sosfilt", out var y) ? Doubles(y) : null,
                    f.TryGetProperty("sosfiltfilt", out var yy) ? Doubles(yy) : null));
            }

            rates.Add(new ScipyRate(fs, freqs, filters, Complexes(r.GetProperty("monitoring")), Complexes(r.GetProperty("diagnostic"))));
        }

        return (signal, rates);
    }

    private static double[] Doubles(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetDouble())];

    private static Complex[] Complexes(JsonElement e) =>
        [.. e.EnumerateArray().Select(x => new Complex(x[0].GetDouble(), x[1].GetDouble()))];
}
