namespace Telemed.DeviceGateway.EcgStreams.Protocol;

/// <summary>A peer broke the protocol; the session answers with an ERROR frame carrying <see cref="Code"/> and closes.</summary>
public sealed class EcgStreamProtocolException : Exception
{
    public EcgStreamProtocolException(EcgStreamErrorCode code, string message) : base(message) => Code = code;

    public EcgStreamProtocolException()
    {
    }

    public EcgStreamProtocolException(string message) : base(message)
    {
    }

    public EcgStreamProtocolException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public EcgStreamErrorCode Code { get; } = EcgStreamErrorCode.MalformedFrame;
}
