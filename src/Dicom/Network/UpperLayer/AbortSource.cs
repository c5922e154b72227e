namespace Telemed.Dicom.Network;

/// <summary>Source field of an A-ABORT PDU (PS3.8 §9.3.8, Table 9-26).</summary>
public enum AbortSource : byte
{
    ServiceUser = 0,
    Reserved = 1,
    ServiceProvider = 2,
}
