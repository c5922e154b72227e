namespace Telemed.Dicom.Network;

/// <summary>
/// The outcome of a commitment (PS3.4 §J.3.3): instances committed, and those that failed with their Failure Reason
/// (0008,1197), e.g. 0110 processing failure, 0112 no such object instance, 0122 SOP class not supported (§J.3.3.1.1).
/// </summary>
public sealed record StorageCommitmentResult(IReadOnlyList<SopReference> Committed, IReadOnlyList<(SopReference Reference, ushort FailureReason)> Failed);
