namespace Telemed.Dicom.Network;

/// <summary>DIMSE status codes (PS3.7 Annex C; C-STORE specifics in PS3.4 §B.2.3).</summary>
public static class DicomStatus
{
    public const ushort Success = 0x0000;

    /// <summary>PS3.4 §C.4.1.1.4: Pending, a C-FIND match follows in the identifier.</summary>
    public const ushort Pending = 0xFF00;

    /// <summary>PS3.4 §C.4.1.1.4: Cancel, the C-FIND was ended by C-CANCEL-RQ.</summary>
    public const ushort Cancel = 0xFE00;

    /// <summary>PS3.7 §C.4.1: Processing Failure (DIMSE-N).</summary>
    public const ushort ProcessingFailure = 0x0110;

    /// <summary>PS3.7 §C.4.3: No Such Action Type (N-ACTION).</summary>
    public const ushort NoSuchActionType = 0x0123;

    /// <summary>PS3.7 §C.4.13: Invalid Argument Value.</summary>
    public const ushort InvalidArgumentValue = 0x0115;

    /// <summary>PS3.7 §C.4.2: Unrecognized Operation (command not supported on this association).</summary>
    public const ushort UnrecognizedOperation = 0x0211;

    /// <summary>PS3.7 §C.4.4: No Such SOP Class.</summary>
    public const ushort NoSuchSopClass = 0x0118;

    /// <summary>PS3.4 §B.2.3: Refused, Out of Resources (A7xx).</summary>
    public const ushort OutOfResources = 0xA700;

    /// <summary>PS3.4 §B.2.3: Error, Data Set does not match SOP Class (A9xx).</summary>
    public const ushort DataSetDoesNotMatchSopClass = 0xA900;

    /// <summary>PS3.4 §B.2.3: Error, Cannot Understand (Cxxx).</summary>
    public const ushort CannotUnderstand = 0xC000;

    /// <summary>PS3.7 §C.1: Success, Warning (0001, Bxxx) and Pending (FF00/FF01) are not failures.</summary>
    public static bool IsFailure(ushort status) =>
        status != Success && status != 0x0001 && (status & 0xF000) != 0xB000 && status is not (0xFF00 or 0xFF01);
}
