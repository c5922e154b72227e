namespace Telemed.Dicom.Network;

/// <summary>(0000,0100) Command Field values of the DIMSE-C services this module speaks (PS3.7 §E.1, Table E.1-1).</summary>
public enum DicomCommandField : ushort
{
    CStoreRequest = 0x0001,
    CStoreResponse = 0x8001,
    CEchoRequest = 0x0030,
    CEchoResponse = 0x8030,
}
