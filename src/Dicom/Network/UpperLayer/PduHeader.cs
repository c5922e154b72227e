namespace Telemed.Dicom.Network;

/// <summary>A PDU header (PS3.8 §9.3.1): type, reserved byte, 32-bit big-endian length of what follows.</summary>
internal readonly record struct PduHeader(PduType Type, uint Length);

/// <summary>A PDV item header (PS3.8 §9.3.5.1): 32-bit length, presentation context ID, message control header.</summary>
internal readonly record struct PdvHeader(uint Length, byte PresentationContextId, byte MessageControlHeader)
{
    /// <summary>PS3.8 §E.2 bit 0: the fragment carries command information (else data set).</summary>
    public bool IsCommand => (MessageControlHeader & 0x01) != 0;

    /// <summary>PS3.8 §E.2 bit 1: the last fragment of the command or data set.</summary>
    public bool IsLast => (MessageControlHeader & 0x02) != 0;

    public int PayloadLength => (int)(Length - 2);
}
