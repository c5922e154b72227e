namespace Telemed.Dicom.Dictionary;

/// <summary>A UID registered in PS3.6 Annex A, e.g. 1.2.840.10008.1.2.1 (Explicit VR Little Endian).</summary>
public sealed record DicomUid(string Value, string Keyword, DicomUidType Type, bool IsRetired)
{
    public override string ToString() => $"{Value} ({Keyword})";
}
