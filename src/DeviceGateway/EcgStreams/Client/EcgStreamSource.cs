using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.Ecg.Signals;

namespace Telemed.DeviceGateway.EcgStreams.Client;

/// <summary>A recording to stream: its HELLO and its samples as int16 ADC units, interleaved by lead.</summary>
public sealed record EcgStreamSource(EcgStreamHello Hello, ReadOnlyMemory<short> Interleaved)
{
    public long SamplesPerLead => Interleaved.Length / Hello.Leads.Count;

    /// <summary>
    /// A recording as a device would stream it; samples must fit int16 and the rate be whole hertz.
    /// <paramref name="samplesPerLead"/> limits it to its beginning.
    /// </summary>
    public static EcgStreamSource FromRecording(EcgRecording recording, Guid recordingId, string deviceId, string token,
        DateTime acquisitionStartUtc, string patientId = "", int? samplesPerLead = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        int rate = (int)Math.Round(recording.SamplingRate);
        if (Math.Abs(rate - recording.SamplingRate) > 1e-9)
        {
            throw new ArgumentException($"the stream protocol carries whole hertz; {recording.SamplingRate} Hz is not", nameof(recording));
        }

        int n = Math.Min(samplesPerLead ?? recording.Length, recording.Length);
        int leads = recording.Leads.Count;
        var samples = new short[n * leads];
        var declared = new EcgStreamLead[leads];
        for (int l = 0; l < leads; l++)
        {
            var lead = recording.Leads[l];
            if (!lead.IsVoltage || lead.Baseline is < short.MinValue or > short.MaxValue)
            {
                throw new ArgumentException($"lead {lead.Label} is not a voltage or its baseline does not fit int16", nameof(recording));
            }

            declared[l] = new EcgStreamLead(lead.Label, lead.AduPerMillivolt, (short)lead.Baseline);
            var src = lead.Samples.Span;
            for (int t = 0; t < n; t++)
            {
                int v = src[t];
                samples[(t * leads) + l] = v is >= short.MinValue and <= short.MaxValue
                    ? (short)v
                    : throw new ArgumentException($"lead {lead.Label} sample {t} ({v}) does not fit int16", nameof(recording));
            }
        }

        var hello = new EcgStreamHello
        {
            RecordingId = recordingId,
            DeviceId = deviceId,
            Token = token,
            PatientId = patientId,
            AcquisitionStartUtc = acquisitionStartUtc,
            SamplingRateHz = rate,
            Leads = declared,
        };
        return new EcgStreamSource(hello, samples);
    }
}
