namespace Telemed.Dicom.Network;

/// <summary>An N-EVENT-REPORT of a commitment's result as received by the requester (PS3.4 §J.3.3), and who sent it.</summary>
public sealed record StorageCommitmentReport(string TransactionUid, StorageCommitmentResult Result, string CallingAeTitle, System.Net.EndPoint? RemoteEndPoint);
