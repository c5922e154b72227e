using System.Buffers;
using System.IO.Compression;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;

namespace Telemed.Dicom.Network;

/// <summary>
/// The small data sets DIMSE services exchange whole (C-FIND identifiers, N-ACTION and N-EVENT-REPORT information):
/// encoded in, and read back from, the presentation context's transfer syntax (PS3.7 §6.3.1). Bulk C-STORE data sets
/// never come through here; they are streamed.
/// </summary>
internal static class DimseDataSet
{
    /// <summary>Identifiers and commitment lists stay small; a larger one is refused rather than buffered.</summary>
    public const int MaxLength = 4 * 1024 * 1024;

    public static byte[] Encode(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        byte[] body = new DicomWriter(syntax.IsExplicitVR, syntax.IsBigEndian).Encode(dataset);
        if (!syntax.IsDeflated)
        {
            return body;
        }

        // PS3.5 §A.5: raw deflate (RFC 1951) of the explicit VR little endian encoding.
        using var deflated = new MemoryStream();
        using (var deflate = new DeflateStream(deflated, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(body);
        }

        return deflated.ToArray();
    }

    /// <summary>Reads the current message's data set to its end and parses it; the Specific Character Set inside applies.</summary>
    public static async ValueTask<DicomDataset> ReadAsync(DicomAssociation association, DicomTransferSyntax syntax)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            int count = await association.ReadDataAsync(buffer.GetMemory(4096));
            if (count == 0)
            {
                break;
            }

            buffer.Advance(count);
            if (buffer.WrittenCount > MaxLength)
            {
                await association.SkipDataAsync();
                throw new DicomException($"DIMSE data set longer than {MaxLength} bytes");
            }
        }

        return DicomDataset.Parse(buffer.WrittenMemory, syntax);
    }
}
