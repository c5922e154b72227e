using Telemed.DeviceGateway.EcgStreams.Protocol;

namespace Telemed.DeviceGateway.EcgStreams.Client;

/// <summary>The server refused the stream for a reason a retry cannot fix (bad token, metadata mismatch), or the link never recovered.</summary>
public sealed class EcgStreamRefusedException : Exception
{
    public EcgStreamRefusedException(EcgStreamErrorCode? code, string message, Exception? inner = null) : base(message, inner) => Code = code;

    public EcgStreamRefusedException()
    {
    }

    public EcgStreamRefusedException(string message) : base(message)
    {
    }

    public EcgStreamRefusedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The server's ERROR code; null when the link failed.</summary>
    public EcgStreamErrorCode? Code { get; }
}
