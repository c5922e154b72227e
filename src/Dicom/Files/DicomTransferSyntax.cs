using Telemed.Dicom.Dictionary;

namespace Telemed.Dicom.Files;

/// <summary>How a data set is encoded (PS3.5 §10): VR explicit or implicit, byte order, deflate, encapsulation.</summary>
public sealed class DicomTransferSyntax
{
    private DicomTransferSyntax(string uid, bool isExplicitVR, bool isBigEndian, bool isDeflated, bool isEncapsulated)
    {
        Uid = uid;
        IsExplicitVR = isExplicitVR;
        IsBigEndian = isBigEndian;
        IsDeflated = isDeflated;
        IsEncapsulated = isEncapsulated;
    }

    public string Uid { get; }

    public bool IsExplicitVR { get; }

    public bool IsBigEndian { get; }

    /// <summary>The data set after the File Meta Information is a raw deflate stream (PS3.5 §A.5).</summary>
    public bool IsDeflated { get; }

    /// <summary>Pixel data is encapsulated in fragments (PS3.5 §A.4): every compressed transfer syntax.</summary>
    public bool IsEncapsulated { get; }

    /// <summary>The keyword in the UID registry, or the UID itself for an unregistered (private) transfer syntax.</summary>
    public string Name => DicomUidRegistry.TryGet(Uid, out DicomUid uid) ? uid.Keyword : Uid;

    /// <summary>PS3.5 §A.1: the default transfer syntax.</summary>
    public static DicomTransferSyntax ImplicitVRLittleEndian { get; } = new("1.2.840.10008.1.2", false, false, false, false);

    /// <summary>PS3.5 §A.2.</summary>
    public static DicomTransferSyntax ExplicitVRLittleEndian { get; } = new("1.2.840.10008.1.2.1", true, false, false, false);

    /// <summary>PS3.5 §A.3 (retired, still met in old archives).</summary>
    public static DicomTransferSyntax ExplicitVRBigEndian { get; } = new("1.2.840.10008.1.2.2", true, true, false, false);

    /// <summary>PS3.5 §A.5.</summary>
    public static DicomTransferSyntax DeflatedExplicitVRLittleEndian { get; } = new("1.2.840.10008.1.2.1.99", true, false, true, false);

    /// <summary>PS3.5 §A.4.2 and Annex G: RLE Lossless, encapsulated.</summary>
    public static DicomTransferSyntax RleLossless { get; } = new("1.2.840.10008.1.2.5", true, false, false, true);

    /// <summary>
    /// The transfer syntax of a UID. Every transfer syntax other than the three native ones and Deflated encodes the
    /// data set as Explicit VR Little Endian with encapsulated pixel data (PS3.5 §10 and Annex A.4), which covers
    /// JPEG, JPEG-LS, JPEG 2000, RLE, MPEG and private compressed syntaxes alike.
    /// </summary>
    public static DicomTransferSyntax FromUid(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        string value = uid.TrimEnd('\0', ' ');
        if (value.Length == 0)
        {
            throw new DicomException("Transfer Syntax UID (0002,0010) is empty");
        }

        return value switch
        {
            "1.2.840.10008.1.2" => ImplicitVRLittleEndian,
            "1.2.840.10008.1.2.1" => ExplicitVRLittleEndian,
            "1.2.840.10008.1.2.2" => ExplicitVRBigEndian,
            "1.2.840.10008.1.2.1.99" => DeflatedExplicitVRLittleEndian,
            "1.2.840.10008.1.2.5" => RleLossless,
            // Encapsulated Uncompressed Explicit VR Little Endian and others still use fragments.
            _ => new DicomTransferSyntax(value, true, false, false, true),
        };
    }

    public override string ToString() => $"{Uid} ({Name})";
}
