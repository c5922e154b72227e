namespace Telemed.DeviceGateway.EcgStreams.Protocol;

/// <summary>Frame types of the ECG stream protocol (docs/protocols/ecg-stream.md §3).</summary>
internal enum EcgFrameType : byte
{
    Hello = 1,
    HelloAck = 2,
    Samples = 3,
    Ack = 4,
    Bye = 5,
    ByeAck = 6,
    Error = 7,
}
