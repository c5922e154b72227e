namespace Telemed.Dicom.Network;

/// <summary>
/// An association policy's answer: accept (optionally holding a lease, disposed when the association ends, so a
/// caller can count associations per AE) or reject with the A-ASSOCIATE-RJ fields (PS3.8 §9.3.4).
/// </summary>
public sealed class AssociationDecision
{
    private AssociationDecision(AssociationRejection? rejection, IDisposable? lease)
    {
        Rejection = rejection;
        Lease = lease;
    }

    public static AssociationDecision Accept(IDisposable? lease = null) => new(null, lease);

    public static AssociationDecision Reject(AssociationRejection rejection) => new(rejection ?? throw new ArgumentNullException(nameof(rejection)), null);

    public AssociationRejection? Rejection { get; }

    public IDisposable? Lease { get; }

    public bool IsAccepted => Rejection is null;
}
