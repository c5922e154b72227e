namespace Telemed.Dicom.Network;

/// <summary>What a C-FIND-RQ says besides its identifier (PS3.7 §9.1.2.1), and who sent it.</summary>
public sealed record FindRequest(string SopClassUid, string CallingAeTitle, string CalledAeTitle, System.Net.EndPoint? RemoteEndPoint, ushort MessageId);
