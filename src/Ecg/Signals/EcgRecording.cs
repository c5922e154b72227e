namespace Telemed.Ecg.Signals;

/// <summary>
/// A multi-lead ECG: leads of equal length sampled at one rate. Immutable; slicing shares the sample buffers.
/// </summary>
public sealed class EcgRecording
{
    public EcgRecording(double samplingRate, IReadOnlyList<EcgLead> leads, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(leads);
        if (!(samplingRate > 0) || double.IsInfinity(samplingRate))
        {
            throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "Sampling rate must be a positive number of samples per second.");
        }

        if (leads.Count == 0)
        {
            throw new ArgumentException("A recording needs at least one lead.", nameof(leads));
        }

        int length = leads[0].Length;
        foreach (var lead in leads)
        {
            if (lead.Length != length)
            {
                throw new ArgumentException($"Lead {lead.Label} has {lead.Length} samples but lead {leads[0].Label} has {length}; all leads must be the same length.", nameof(leads));
            }
        }

        SamplingRate = samplingRate;
        Leads = leads.ToArray(); // the caller's list must not change the recording afterwards
        Length = length;
        Name = name;
    }

    public double SamplingRate { get; }

    public IReadOnlyList<EcgLead> Leads { get; }

    /// <summary>Samples per lead.</summary>
    public int Length { get; }

    public string? Name { get; }

    public TimeSpan Duration => TimeSpan.FromSeconds(Length / SamplingRate);

    public EcgLead? TryGetLead(LeadId id)
    {
        foreach (var lead in Leads)
        {
            if (lead.Id == id)
            {
                return lead;
            }
        }

        return null;
    }

    public EcgLead GetLead(LeadId id) =>
        TryGetLead(id) ?? throw new KeyNotFoundException($"Recording {Name ?? "(unnamed)"} has no lead {id}.");

    /// <summary>A time window of the recording; no samples are copied.</summary>
    public EcgRecording Slice(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if ((long)start + length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"Window [{start}, {start + length}) lies beyond the {Length} samples of the recording.");
        }

        var leads = new EcgLead[Leads.Count];
        for (int i = 0; i < leads.Length; i++)
        {
            leads[i] = Leads[i].Slice(start, length);
        }

        return new EcgRecording(SamplingRate, leads, Name);
    }

    public EcgRecording Slice(TimeSpan start, TimeSpan duration) =>
        Slice((int)Math.Round(start.TotalSeconds * SamplingRate), (int)Math.Round(duration.TotalSeconds * SamplingRate));

    /// <summary>
    /// Completes a recording that stores only I, II and V1–V6 (the usual 8 independent leads of a cart)
    /// with III, aVR, aVL and aVF by Einthoven's and Goldberger's relations. Existing leads are shared, not copied.
    /// Returns this recording unchanged when nothing is missing or I/II are absent.
    /// </summary>
    public EcgRecording WithDerivedLimbLeads() => LimbLeadDerivation.Complete(this);
}
