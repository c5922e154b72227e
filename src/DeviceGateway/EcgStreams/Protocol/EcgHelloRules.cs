using System.Text;
using Telemed.Ecg.Signals;

namespace Telemed.DeviceGateway.EcgStreams.Protocol;

/// <summary>The limits a HELLO must meet (docs/protocols/ecg-stream.md §3.1); the server refuses, the client checks before sending.</summary>
internal static class EcgHelloRules
{
    public static void Check(EcgStreamHello hello)
    {
        ArgumentNullException.ThrowIfNull(hello);
        if (hello.RecordingId == Guid.Empty)
        {
            throw Invalid("HELLO recording id is empty");
        }

        int deviceBytes = Encoding.UTF8.GetByteCount(hello.DeviceId);
        if (deviceBytes is 0 or > EcgStreamLimits.MaxDeviceIdBytes || hello.Token.Length == 0)
        {
            throw Invalid($"HELLO device id must be 1..{EcgStreamLimits.MaxDeviceIdBytes} bytes and the token non-empty");
        }

        if (Encoding.UTF8.GetByteCount(hello.PatientId) > EcgStreamLimits.MaxDeviceIdBytes)
        {
            throw Invalid($"HELLO patient id is longer than {EcgStreamLimits.MaxDeviceIdBytes} bytes");
        }

        if (hello.SamplingRateHz is < EcgStreamLimits.MinSamplingRateHz or > EcgStreamLimits.MaxSamplingRateHz)
        {
            throw Invalid($"HELLO sampling rate {hello.SamplingRateHz} Hz is outside {EcgStreamLimits.MinSamplingRateHz}..{EcgStreamLimits.MaxSamplingRateHz} Hz");
        }

        if (hello.Leads.Count is 0 or > EcgStreamLimits.MaxLeads)
        {
            throw Invalid($"HELLO declares {hello.Leads.Count} leads; 1..{EcgStreamLimits.MaxLeads} are allowed");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var lead in hello.Leads)
        {
            if (LeadNames.Parse(lead.Label) == LeadId.Unknown || Encoding.UTF8.GetByteCount(lead.Label) > EcgStreamLimits.MaxLabelBytes)
            {
                throw Invalid($"HELLO lead label '{lead.Label}' is not a lead name we know (I, II, III, aVR, aVL, aVF, V1–V6, MLII…)");
            }

            if (!seen.Add(lead.Label))
            {
                throw Invalid($"HELLO names lead {lead.Label} twice");
            }

            if (!(lead.AduPerMillivolt > 0) || double.IsInfinity(lead.AduPerMillivolt))
            {
                throw Invalid($"HELLO lead {lead.Label}: gain {lead.AduPerMillivolt} ADU/mV must be a positive number");
            }
        }
    }

    private static EcgStreamProtocolException Invalid(string message) => new(EcgStreamErrorCode.InvalidHello, message);
}
