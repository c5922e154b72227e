using System.Net;

namespace Telemed.Dicom.Network;

/// <summary>How an association ended, as the server reports it to observers (logs, metrics, tests).</summary>
public enum AssociationEnd
{
    Released,
    Rejected,
    AbortedByPeer,
    AbortedLocally,
}

/// <summary>One finished association on a <see cref="DicomServer"/>: who, how it ended and why.</summary>
public sealed record AssociationOutcome(
    EndPoint? RemoteEndPoint,
    string? CallingAeTitle,
    string? CalledAeTitle,
    AssociationEnd End,
    AssociationRejection? Rejection,
    AbortSource? AbortSource,
    AbortReason? AbortReason,
    string? Detail,
    int MessagesHandled);
