namespace Telemed.Dicom.Network;

/// <summary>
/// Decides whether to accept an association request after the server checked the called AE title: the place for
/// calling AE title and source address checks (a device's registered AE and address) and per-AE limits.
/// </summary>
public interface IAssociationPolicy
{
    ValueTask<AssociationDecision> EvaluateAsync(AssociationRequest request, CancellationToken cancellationToken);
}
