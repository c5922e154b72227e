namespace Telemed.Dicom.ValueRepresentations;

/// <summary>How a VR's value is encoded (PS3.5 §6.2).</summary>
public enum DicomVRKind
{
    /// <summary>Character strings (AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM, UC, UI, UR, UT).</summary>
    Text,

    /// <summary>Fixed-size binary numbers in the transfer syntax's byte order (AT, FD, FL, SL, SS, SV, UL, US, UV).</summary>
    Number,

    /// <summary>Byte or word streams: OB, OD, OF, OL, OV, OW and UN.</summary>
    Bytes,

    /// <summary>SQ: a sequence of items, each a nested data set.</summary>
    Sequence,
}
