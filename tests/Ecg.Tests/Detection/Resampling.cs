using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Tests.Detection;

/// <summary>Linear-interpolation resampling of a recording, to test rate independence on real data.</summary>
internal static class Resampling
{
    public static EcgRecording To(EcgRecording source, double rate)
    {
        double ratio = source.SamplingRate / rate;
        int n = (int)Math.Floor((source.Length - 1) / ratio);
        var leads = new EcgLead[source.Leads.Count];
        for (int l = 0; l < leads.Length; l++)
        {
            var lead = source.Leads[l];
            var src = lead.Samples.Span;
            var dst = new int[n];
            for (int i = 0; i < n; i++)
            {
                double t = i * ratio;
                int k = (int)t;
                double f = t - k;
                dst[i] = (int)Math.Round((src[k] * (1 - f)) + (src[Math.Min(k + 1, src.Length - 1)] * f));
            }

            leads[l] = new EcgLead(lead.Id, lead.Label, dst, lead.Gain, lead.Baseline, lead.Units);
        }

        return new EcgRecording(rate, leads, source.Name);
    }
}
