using Telemed.DeviceGateway.EcgStreams.Protocol;

namespace Telemed.DeviceGateway.EcgStreams.Client;

/// <summary>How a stream went: the server's BYE-ACK, and what the link cost.</summary>
/// <param name="Connections">Connections opened, the first included.</param>
/// <param name="FramesSent">SAMPLES frames written, resends after a reconnect included.</param>
public sealed record EcgStreamResult(EcgStreamCompletion Completion, long SamplesPerLead, int Connections, long FramesSent, TimeSpan Elapsed);
