using System.Net;
using Telemed.Dicom.Files;

namespace Telemed.Dicom.Network;

/// <summary>What a C-STORE-RQ says about the object whose data set bytes the store handler receives (PS3.7 §9.1.1.1).</summary>
public sealed record StoreRequest(
    string SopClassUid,
    string SopInstanceUid,
    DicomTransferSyntax TransferSyntax,
    string CallingAeTitle,
    string CalledAeTitle,
    EndPoint? RemoteEndPoint,
    ushort MessageId,
    string? MoveOriginatorAeTitle);
