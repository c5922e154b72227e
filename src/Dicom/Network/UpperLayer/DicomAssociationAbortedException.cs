namespace Telemed.Dicom.Network;

/// <summary>The association ended by A-ABORT (PS3.8 §7.3), sent by the peer or by this side; carries the source and reason.</summary>
public sealed class DicomAssociationAbortedException : Exception
{
    public DicomAssociationAbortedException()
    {
    }

    public DicomAssociationAbortedException(string message)
        : base(message)
    {
    }

    public DicomAssociationAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DicomAssociationAbortedException(AbortSource source, AbortReason reason, bool byPeer, string message)
        : base(message)
    {
        AbortSource = source;
        Reason = reason;
        ByPeer = byPeer;
    }

    public AbortSource AbortSource { get; }

    public AbortReason Reason { get; }

    /// <summary>The peer sent the A-ABORT (or dropped the connection); false when this side aborted.</summary>
    public bool ByPeer { get; }
}
