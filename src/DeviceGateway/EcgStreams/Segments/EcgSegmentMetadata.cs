using Telemed.DeviceGateway.EcgStreams.Authentication;
using Telemed.DeviceGateway.EcgStreams.Protocol;

namespace Telemed.DeviceGateway.EcgStreams.Segments;

/// <summary>The HELLO metadata of a recording, kept beside its samples (recording.json); the token is never stored.</summary>
internal sealed record EcgSegmentMetadata
{
    public required Guid RecordingId { get; init; }

    public required string DeviceId { get; init; }

    public required string InstitutionId { get; init; }

    public required string PatientId { get; init; }

    public required DateTime AcquisitionStartUtc { get; init; }

    public required int SamplingRateHz { get; init; }

    public required IReadOnlyList<EcgStreamLead> Leads { get; init; }

    /// <summary>True when a resumed HELLO describes the same recording (same device, rate, leads, patient and start).</summary>
    public bool Describes(EcgStreamHello hello, EcgDevice device) =>
        hello.RecordingId == RecordingId && hello.DeviceId == DeviceId && device.InstitutionId == InstitutionId
        && hello.PatientId == PatientId && hello.AcquisitionStartUtc == AcquisitionStartUtc
        && hello.SamplingRateHz == SamplingRateHz && hello.Leads.SequenceEqual(Leads);

    public static EcgSegmentMetadata From(EcgStreamHello hello, EcgDevice device) => new()
    {
        RecordingId = hello.RecordingId,
        DeviceId = hello.DeviceId,
        InstitutionId = device.InstitutionId,
        PatientId = hello.PatientId,
        AcquisitionStartUtc = hello.AcquisitionStartUtc,
        SamplingRateHz = hello.SamplingRateHz,
        Leads = [.. hello.Leads],
    };
}
