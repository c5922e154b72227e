namespace Telemed.Dicom.Network;

/// <summary>An item of the Referenced or Failed SOP Sequence (PS3.4 §J.3.2, §J.3.3): (0008,1150) and (0008,1155).</summary>
public sealed record SopReference(string SopClassUid, string SopInstanceUid);
