namespace Telemed.Ecg.Signals;

/// <summary>
/// Einthoven: III = II − I. Goldberger: aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2.
/// Derived leads are computed in integer ADC units at twice the source gain, so the result is exact; when I and II
/// differ in gain, both are first brought to their least common gain (exact for decimal gains such as 200 and 1000).
/// </summary>
internal static class LimbLeadDerivation
{
    public static EcgRecording Complete(EcgRecording recording)
    {
        var leadI = recording.TryGetLead(LeadId.I);
        var leadII = recording.TryGetLead(LeadId.II);
        if (leadI is null || leadII is null)
        {
            return recording;
        }

        var missing = new List<LeadId>();
        foreach (var id in new[] { LeadId.III, LeadId.aVR, LeadId.aVL, LeadId.aVF })
        {
            if (recording.TryGetLead(id) is null)
            {
                missing.Add(id);
            }
        }

        if (missing.Count == 0)
        {
            return recording;
        }

        // Bring both leads to one gain when they differ (rare).
        var (a, b, gain) = CommonScale(leadI, leadII);
        int n = recording.Length;
        var derived = new List<EcgLead>(missing.Count);
        foreach (var id in missing)
        {
            var values = new int[n];
            for (int t = 0; t < n; t++)
            {
                int i = a[t];
                int ii = b[t];
                values[t] = id switch
                {
                    LeadId.III => 2 * (ii - i),
                    LeadId.aVR => -(i + ii),
                    LeadId.aVL => (2 * i) - ii,
                    _ => (2 * ii) - i, // aVF
                };
            }

            derived.Add(new EcgLead(id, id.ToString(), values, gain * 2, 0, "mV")); // gain is in ADC units per mV
        }

        // Conventional order: standard 12 first, then anything else the recording had.
        var all = new List<EcgLead>(recording.Leads);
        all.AddRange(derived);
        all.Sort((x, y) => Order(x.Id).CompareTo(Order(y.Id)));
        return new EcgRecording(recording.SamplingRate, all, recording.Name);
    }

    private static int Order(LeadId id)
    {
        int index = -1;
        var standard = LeadNames.Standard12;
        for (int i = 0; i < standard.Count; i++)
        {
            if (standard[i] == id)
            {
                index = i;
            }
        }

        return index >= 0 ? index : 100 + (int)id;
    }

    private static (int[] I, int[] II, double Gain) CommonScale(EcgLead leadI, EcgLead leadII)
    {
        var spanI = leadI.Samples.Span;
        var spanII = leadII.Samples.Span;
        int n = spanI.Length;
        var a = new int[n];
        var b = new int[n];
        if (leadI.AduPerMillivolt == leadII.AduPerMillivolt)
        {
            for (int t = 0; t < n; t++)
            {
                a[t] = spanI[t] - leadI.Baseline;
                b[t] = spanII[t] - leadII.Baseline;
            }

            return (a, b, leadI.AduPerMillivolt);
        }

        // Exact when both gains are decimal fractions (200, 400, 1000, 204.8, …): scale both leads by integers to the
        // least common gain, as long as the derived sums (up to 4× a sample) still fit in an int.
        if (TryCommonGain(leadI.AduPerMillivolt, leadII.AduPerMillivolt, out long mI, out long mII, out double common)
            && MaxAbsOffset(spanI, leadI.Baseline) * mI <= int.MaxValue / 4
            && MaxAbsOffset(spanII, leadII.Baseline) * mII <= int.MaxValue / 4)
        {
            for (int t = 0; t < n; t++)
            {
                a[t] = (int)((spanI[t] - (long)leadI.Baseline) * mI);
                b[t] = (int)((spanII[t] - (long)leadII.Baseline) * mII);
            }

            return (a, b, common);
        }

        // Otherwise microvolt integers (rounding to 1 µV is far below ECG resolution).
        const double microvoltGain = 1000.0;
        for (int t = 0; t < n; t++)
        {
            a[t] = (int)Math.Round(leadI.ToMillivolts(spanI[t]) * microvoltGain);
            b[t] = (int)Math.Round(leadII.ToMillivolts(spanII[t]) * microvoltGain);
        }

        return (a, b, microvoltGain);
    }

    private static bool TryCommonGain(double gainI, double gainII, out long multiplierI, out long multiplierII, out double common)
    {
        for (long scale = 1; scale <= 1_000_000; scale *= 10)
        {
            double gi = gainI * scale, gii = gainII * scale;
            if (gi == Math.Round(gi) && gii == Math.Round(gii) && gi <= 1e9 && gii <= 1e9)
            {
                long p = (long)gi, q = (long)gii;
                long lcm = p / Gcd(p, q) * q;
                multiplierI = lcm / p;
                multiplierII = lcm / q;
                common = lcm / (double)scale;
                return multiplierI <= 1 << 20 && multiplierII <= 1 << 20;
            }
        }

        multiplierI = multiplierII = 0;
        common = 0;
        return false;
    }

    private static long Gcd(long x, long y)
    {
        while (y != 0)
        {
            (x, y) = (y, x % y);
        }

        return x;
    }

    private static long MaxAbsOffset(ReadOnlySpan<int> samples, int baseline)
    {
        long max = 0;
        foreach (int v in samples)
        {
            max = Math.Max(max, Math.Abs(v - (long)baseline));
        }

        return max;
    }
}
