namespace Telemed.Dicom.Dictionary;

/// <summary>What a registered UID names (PS3.6 Annex A, "UID Type").</summary>
public enum DicomUidType
{
    TransferSyntax = 0,
    SopClass = 1,

    /// <summary>Everything else in PS3.6 Table A-1: coding schemes, well-known instances, LDAP OIDs, ...</summary>
    Other = 2,
}
