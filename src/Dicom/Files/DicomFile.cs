using System.Buffers.Binary;
using System.IO.Compression;
using Telemed.Dicom.Data;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Files;

/// <summary>
/// A DICOM file (PS3.10 §7): optional 128-byte preamble and "DICM", File Meta Information (group 0002), and the data
/// set in the transfer syntax the meta information names. Files without preamble or meta information, which old
/// devices still write, are read with the transfer syntax inferred from the first element.
/// </summary>
public sealed class DicomFile
{
    private const int PreambleLength = 128;

    private DicomFile(DicomDataset fileMetaInformation, DicomDataset dataset, DicomTransferSyntax transferSyntax, bool hasPreamble, bool isTransferSyntaxInferred)
    {
        FileMetaInformation = fileMetaInformation;
        Dataset = dataset;
        TransferSyntax = transferSyntax;
        HasPreamble = hasPreamble;
        IsTransferSyntaxInferred = isTransferSyntaxInferred;
    }

    /// <summary>Group 0002 elements; empty when the file has none.</summary>
    public DicomDataset FileMetaInformation { get; }

    public DicomDataset Dataset { get; }

    public DicomTransferSyntax TransferSyntax { get; }

    /// <summary>The file starts with the 128-byte preamble and "DICM" (PS3.10 §7.1).</summary>
    public bool HasPreamble { get; }

    /// <summary>No Transfer Syntax UID was present: it was inferred from the first data element.</summary>
    public bool IsTransferSyntaxInferred { get; }

    /// <summary>Reads a file into memory and parses it; the data set's values are slices of that one buffer.</summary>
    public static DicomFile Open(string path, DicomReadOptions? options = null)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"DICOM file not found: {path}", path);
        }

        if (info.Length > Array.MaxLength)
        {
            throw new DicomException($"{path}: {info.Length} bytes is more than this reader holds in memory ({Array.MaxLength})");
        }

        return Parse(File.ReadAllBytes(path), options);
    }

    public static DicomFile Parse(ReadOnlyMemory<byte> data, DicomReadOptions? options = null)
    {
        options ??= DicomReadOptions.Default;
        ReadOnlySpan<byte> span = data.Span;
        bool hasPreamble = span.Length >= PreambleLength + 4 && span.Slice(PreambleLength, 4).SequenceEqual("DICM"u8);
        int start = hasPreamble ? PreambleLength + 4 : 0;

        DicomDataset meta = new([], Text.DicomCharacterSet.Default);
        if (span.Length - start >= 8 && BinaryPrimitives.ReadUInt16LittleEndian(span[start..]) == 0x0002)
        {
            var metaParser = new DicomParser(data, start, options);
            meta = metaParser.ReadFileMetaInformation();
            start = metaParser.Position;
        }
        else if (hasPreamble)
        {
            throw DicomException.At(start, null, "\"DICM\" prefix is not followed by File Meta Information (group 0002), PS3.10 §7.1");
        }

        DicomTransferSyntax syntax;
        bool inferred = false;
        if (meta.TryGetElement(DicomTag.TransferSyntaxUid, out DicomElement? tsElement) && tsElement.VR == DicomVR.UI
            && tsElement.GetUid().Length > 0)
        {
            syntax = DicomTransferSyntax.FromUid(tsElement.GetUid());
        }
        else
        {
            syntax = InferTransferSyntax(span, start);
            inferred = true;
        }

        DicomDataset dataset = ParseBody(data, start, syntax, options);
        return new DicomFile(meta, dataset, syntax, hasPreamble, inferred);
    }

    internal static DicomDataset ParseBody(ReadOnlyMemory<byte> data, int start, DicomTransferSyntax syntax, DicomReadOptions options)
    {
        if (syntax.IsDeflated)
        {
            // Offsets in errors then count from the start of the inflated data set.
            data = Inflate(data[start..], options.MaxInflatedLength);
            start = 0;
        }

        DicomDataset dataset = new DicomParser(data, start, options).ReadDataset(syntax);
        Text.CharacterSetFallback.Apply(dataset, options.FallbackCharacterSet);
        return dataset;
    }

    /// <summary>
    /// Without a Transfer Syntax UID: if the bytes after the first tag are a VR code the data set is explicit VR,
    /// and the byte order is the one that reads the first group as the smaller number (data sets start low, usually
    /// 0008); otherwise Implicit VR Little Endian, the default transfer syntax (PS3.5 §10.1).
    /// </summary>
    private static DicomTransferSyntax InferTransferSyntax(ReadOnlySpan<byte> span, int start)
    {
        if (span.Length - start < 8)
        {
            if (span.Length == start)
            {
                return DicomTransferSyntax.ImplicitVRLittleEndian;
            }

            throw DicomException.At(start, null, "too short for a DICOM data set");
        }

        if (DicomVR.TryParse(span.Slice(start + 4, 2), out _))
        {
            ushort little = BinaryPrimitives.ReadUInt16LittleEndian(span[start..]);
            ushort big = BinaryPrimitives.ReadUInt16BigEndian(span[start..]);
            return big < little ? DicomTransferSyntax.ExplicitVRBigEndian : DicomTransferSyntax.ExplicitVRLittleEndian;
        }

        return DicomTransferSyntax.ImplicitVRLittleEndian;
    }

    /// <summary>PS3.5 §A.5: the data set is a raw deflate stream (RFC 1951, no zlib header).</summary>
    private static ReadOnlyMemory<byte> Inflate(ReadOnlyMemory<byte> compressed, long maxLength)
    {
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        byte[] chunk = new byte[81920];
        try
        {
            int read;
            while ((read = deflate.Read(chunk, 0, chunk.Length)) > 0)
            {
                // The limit can never exceed what one array holds, so the parser's int offsets stay valid.
                if (output.Length + read > Math.Min(maxLength, Array.MaxLength))
                {
                    throw new DicomException($"deflated data set inflates beyond the {maxLength}-byte limit");
                }

                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new DicomException($"deflated data set is not a valid deflate stream: {ex.Message}", ex);
        }

        return output.GetBuffer().AsMemory(0, (int)output.Length);
    }
}
