using System.Buffers;
using System.Buffers.Binary;

namespace Telemed.Dicom.Network;

/// <summary>
/// Parses PDU and PDV headers straight off a <see cref="ReadOnlySequence{T}"/> from the transport's PipeReader:
/// a span fast path when the header sits in one segment, a <see cref="SequenceReader{T}"/> across segments, no
/// allocation. Callers advance the pipe by exactly the header length, so a partial header costs nothing.
/// </summary>
internal static class PduReader
{
    public const int HeaderLength = 6;
    public const int PdvHeaderLength = 6;

    /// <summary>No P-DATA-TF above this is read whatever the options say: a bound on what one PDU header can make us expect.</summary>
    public const uint HardMaxPduLength = 64 * 1024 * 1024;

    /// <summary>Reads a PDU header from the first six bytes of <paramref name="buffer"/>; false if fewer are there.</summary>
    public static bool TryReadPduHeader(in ReadOnlySequence<byte> buffer, out PduHeader header)
    {
        if (buffer.Length < HeaderLength)
        {
            header = default;
            return false;
        }

        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= HeaderLength)
        {
            header = new PduHeader((PduType)first[0], BinaryPrimitives.ReadUInt32BigEndian(first[2..]));
            return true;
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.TryRead(out byte type);
        reader.Advance(1);
        reader.TryReadBigEndian(out int length);
        header = new PduHeader((PduType)type, (uint)length);
        return true;
    }

    /// <summary>Reads a PDV item header; false if fewer than six bytes are there.</summary>
    public static bool TryReadPdvHeader(in ReadOnlySequence<byte> buffer, out PdvHeader header)
    {
        if (buffer.Length < PdvHeaderLength)
        {
            header = default;
            return false;
        }

        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= PdvHeaderLength)
        {
            header = new PdvHeader(BinaryPrimitives.ReadUInt32BigEndian(first), first[4], first[5]);
            return true;
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.TryReadBigEndian(out int length);
        reader.TryRead(out byte context);
        reader.TryRead(out byte control);
        header = new PdvHeader((uint)length, context, control);
        return true;
    }

    /// <summary>
    /// Checks a PDU header against PS3.8 §9.3 and this side's limits before any of its body is read: unknown types,
    /// fixed-length PDUs with another length, and lengths beyond what was negotiated (plus slack) or the hard cap.
    /// </summary>
    public static void Validate(in PduHeader header, uint maxDataLength, uint maxAssociationLength)
    {
        switch (header.Type)
        {
            case PduType.DataTransfer:
                if (header.Length > Math.Min(maxDataLength, HardMaxPduLength))
                {
                    throw new DicomProtocolException(AbortReason.InvalidPduParameterValue,
                        $"P-DATA-TF of {header.Length} bytes exceeds the negotiated maximum ({Math.Min(maxDataLength, HardMaxPduLength)} with slack), PS3.8 §D.1");
                }

                if (header.Length < PdvHeaderLength)
                {
                    throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"P-DATA-TF of {header.Length} bytes holds no PDV item (PS3.8 §9.3.5)");
                }

                break;
            case PduType.AssociateRequest or PduType.AssociateAccept:
                if (header.Length > maxAssociationLength || header.Length < 68)
                {
                    throw new DicomProtocolException(AbortReason.InvalidPduParameterValue,
                        $"{header.Type} PDU length {header.Length} is outside 68..{maxAssociationLength} (PS3.8 §9.3.2)");
                }

                break;
            case PduType.AssociateReject or PduType.ReleaseRequest or PduType.ReleaseResponse or PduType.Abort:
                if (header.Length != 4)
                {
                    throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"{header.Type} PDU length {header.Length}, expected 4 (PS3.8 §9.3.4-9.3.8)");
                }

                break;
            default:
                throw new DicomProtocolException(AbortReason.UnrecognizedPdu, $"unrecognized PDU type 0x{(byte)header.Type:X2} (PS3.8 §9.3.1)");
        }
    }
}
