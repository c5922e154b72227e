namespace Telemed.Ecg.Signals;

/// <summary>
/// Einthoven: III = II − I. Goldberger: aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2.
/// Derived leads are computed in integer ADC units at twice the source gain, so the result is exact.
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

        // Bring both leads to one gain when they differ (rare): microvolt integers are fine for ECG.
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

            derived.Add(new EcgLead(id, id.ToString(), values, gain * 2, 0, leadI.Units));
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
        if (leadI.Gain == leadII.Gain)
        {
            for (int t = 0; t < n; t++)
            {
                a[t] = spanI[t] - leadI.Baseline;
                b[t] = spanII[t] - leadII.Baseline;
            }

            return (a, b, leadI.Gain);
        }

        const double microvoltGain = 1000.0;
        for (int t = 0; t < n; t++)
        {
            a[t] = (int)Math.Round(leadI.ToMillivolts(spanI[t]) * microvoltGain);
            b[t] = (int)Math.Round(leadII.ToMillivolts(spanII[t]) * microvoltGain);
        }

        return (a, b, microvoltGain);
    }
}
