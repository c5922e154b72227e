namespace Telemed.Dicom.Network;

/// <summary>(0000,0100) Command Field values of the DIMSE services this module speaks (PS3.7 §E.1, Table E.1-1; §E.2 for DIMSE-N).</summary>
public enum DicomCommandField : ushort
{
    CStoreRequest = 0x0001,
    CStoreResponse = 0x8001,
    CFindRequest = 0x0020,
    CFindResponse = 0x8020,
    CEchoRequest = 0x0030,
    CEchoResponse = 0x8030,

    /// <summary>PS3.7 §9.3.2.3: C-CANCEL-RQ names the operation by Message ID Being Responded To; it has no response.</summary>
    CCancelRequest = 0x0FFF,
    NEventReportRequest = 0x0100,
    NEventReportResponse = 0x8100,
    NActionRequest = 0x0130,
    NActionResponse = 0x8130,
}
