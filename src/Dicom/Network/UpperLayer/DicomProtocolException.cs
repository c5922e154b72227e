namespace Telemed.Dicom.Network;

/// <summary>
/// The peer broke the Upper Layer protocol (PS3.8 §9.3): the association is aborted with <see cref="Reason"/>
/// as the A-ABORT Reason/Diag. field (source: service provider).
/// </summary>
public sealed class DicomProtocolException : Exception
{
    public DicomProtocolException()
    {
    }

    public DicomProtocolException(string message)
        : base(message)
    {
    }

    public DicomProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DicomProtocolException(AbortReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public AbortReason Reason { get; } = AbortReason.NotSpecified;
}
