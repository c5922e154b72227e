namespace Telemed.DeviceGateway.EcgStreams.Protocol;

/// <summary>One lead as the device declares it: millivolts = (adu − <see cref="Baseline"/>) / <see cref="AduPerMillivolt"/>.</summary>
/// <param name="Label">Lead name as <see cref="Telemed.Ecg.Signals.LeadNames"/> knows it (I, II, V1, MLII…).</param>
public sealed record EcgStreamLead(string Label, double AduPerMillivolt, short Baseline);

/// <summary>
/// The HELLO frame (docs/protocols/ecg-stream.md §3.1): who is sending which recording, and how to read its samples.
/// The same <see cref="RecordingId"/> on a reconnect binds the new connection to the recording already begun.
/// </summary>
public sealed record EcgStreamHello
{
    public required Guid RecordingId { get; init; }

    public required string DeviceId { get; init; }

    public required string Token { get; init; }

    /// <summary>The site's patient id; empty when the device does not know it.</summary>
    public string PatientId { get; init; } = "";

    public required DateTime AcquisitionStartUtc { get; init; }

    public required int SamplingRateHz { get; init; }

    public required IReadOnlyList<EcgStreamLead> Leads { get; init; }
}
