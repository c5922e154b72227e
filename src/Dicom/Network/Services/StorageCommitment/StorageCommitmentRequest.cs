namespace Telemed.Dicom.Network;

/// <summary>A request for storage commitment (PS3.4 §J.3.2): the transaction and the instances to commit, and who asked.</summary>
public sealed record StorageCommitmentRequest(string TransactionUid, IReadOnlyList<SopReference> References, string CallingAeTitle, System.Net.EndPoint? RemoteEndPoint);
