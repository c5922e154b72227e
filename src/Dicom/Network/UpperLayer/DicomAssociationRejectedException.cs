namespace Telemed.Dicom.Network;

/// <summary>The acceptor answered the A-ASSOCIATE-RQ with A-ASSOCIATE-RJ (PS3.8 §9.3.4).</summary>
public sealed class DicomAssociationRejectedException : Exception
{
    public DicomAssociationRejectedException()
        : this(AssociationRejection.NoReasonGiven)
    {
    }

    public DicomAssociationRejectedException(string message)
        : base(message)
    {
        Rejection = AssociationRejection.NoReasonGiven;
    }

    public DicomAssociationRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Rejection = AssociationRejection.NoReasonGiven;
    }

    public DicomAssociationRejectedException(AssociationRejection rejection)
        : base($"association rejected: {rejection}")
    {
        Rejection = rejection;
    }

    public AssociationRejection Rejection { get; }
}
