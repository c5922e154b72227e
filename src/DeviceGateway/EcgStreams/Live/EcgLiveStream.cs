using Telemed.DeviceGateway.EcgStreams.Protocol;

namespace Telemed.DeviceGateway.EcgStreams.Live;

/// <summary>
/// A live stream as an observer needs it: which device of which institution sends which patient's ECG, and how to
/// read its samples (millivolts = (adu − baseline) / gain, per lead as in the HELLO). <see cref="NextSample"/> is where
/// the samples of this connection begin (0 for a new recording, the resume point after a reconnect).
/// </summary>
public sealed record EcgLiveStream(
    Guid RecordingId,
    string DeviceId,
    string InstitutionId,
    string PatientId,
    int SamplingRateHz,
    IReadOnlyList<EcgStreamLead> Leads,
    long NextSample);
