using Telemed.Ecg.Rhythm;

namespace Telemed.DeviceGateway.EcgStreams.Protocol;

/// <summary>What BYE-ACK tells the device: the recording is stored under <see cref="BlobHash"/> and how urgent it looked.</summary>
public sealed record EcgStreamCompletion(string BlobHash, EcgUrgency Urgency, IReadOnlyList<string> Flags);
