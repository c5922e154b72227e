using System.Buffers.Binary;
using System.IO.Pipelines;
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

    /// <summary>
    /// PS3.7 Annex: a UUID-derived UID (2.25, ITU-T X.667) identifying this implementation in (0002,0012) of files it
    /// writes, fixed so that output is reproducible.
    /// </summary>
    public const string ImplementationClassUid = "2.25.186470923645237145810294557236811104123";

    /// <summary>(0002,0013): at most 16 characters of the default repertoire.</summary>
    public const string ImplementationVersionName = "TELEMED_DICOM_1";

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

    /// <summary>The 128 preamble bytes as read (PS3.10 §7.1), or empty when the file had none; written back as they were.</summary>
    public ReadOnlyMemory<byte> Preamble { get; private init; }

    /// <summary>
    /// A new file for a data set built in memory (see <see cref="DicomDatasetBuilder"/>): File Meta Information is
    /// made on writing from (0008,0016) and (0008,0018) with this implementation's class UID and version name
    /// (PS3.10 §7.1 Table 7.1-1); Explicit VR Little Endian unless another transfer syntax is given (an encapsulated one
    /// only when the pixel data is already in fragments).
    /// </summary>
    public static DicomFile Create(DicomDataset dataset, DicomTransferSyntax? transferSyntax = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        DicomTransferSyntax syntax = transferSyntax ?? DicomTransferSyntax.ExplicitVRLittleEndian;
        // Encapsulated syntaxes need pixel data already encoded and in fragments (DicomDatasetBuilder.AddEncapsulatedPixelData);
        // fragments in a native syntax would be unreadable (PS3.5 §A.4 applies to encapsulated syntaxes only).
        bool fragmented = dataset.TryGetElement(DicomTag.PixelData, out DicomElement? pixels) && pixels is DicomFragmentSequence;
        if (syntax.IsEncapsulated && !fragmented)
        {
            throw new DicomException($"a new data set cannot be written as {syntax}: encapsulated pixel data needs a codec");
        }

        if (!syntax.IsEncapsulated && fragmented)
        {
            throw new DicomException($"encapsulated pixel data cannot be written as {syntax}: decoding it needs a codec");
        }

        return new DicomFile(new DicomDataset([], Text.DicomCharacterSet.Default), dataset, syntax, hasPreamble: true, isTransferSyntaxInferred: false);
    }

    /// <summary>
    /// This file with a data set re-encoded by a codec into <paramref name="transferSyntax"/>: File Meta Information
    /// and preamble are kept; the Transfer Syntax UID is rewritten on writing.
    /// </summary>
    internal DicomFile WithPixelDataEncoded(DicomDataset dataset, DicomTransferSyntax transferSyntax) =>
        new(FileMetaInformation, dataset, transferSyntax, HasPreamble, isTransferSyntaxInferred: false) { Preamble = Preamble };

    /// <summary>Writes the file to <paramref name="path"/>; see <see cref="Write"/>.</summary>
    public void Save(string path, DicomTransferSyntax? transferSyntax = null)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        Write(stream, transferSyntax);
    }

    /// <summary>
    /// Writes a Part 10 file (PS3.10 §7.1): the preamble (the one read, else zeros), "DICM", the File Meta Information
    /// in Explicit VR Little Endian with (0002,0000) recomputed and (0002,0010) naming the transfer syntax, then the data
    /// set in that transfer syntax: the file's own by default, or another of Implicit VR LE, Explicit VR LE, Explicit VR
    /// BE and Deflated Explicit VR LE when the pixel data is not encapsulated. Files read without meta information get
    /// one built from (0008,0016) and (0008,0018) (PS3.10 §7.1 Table 7.1-1).
    /// </summary>
    public void Write(Stream output, DicomTransferSyntax? transferSyntax = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        DicomTransferSyntax target = transferSyntax ?? TransferSyntax;
        if (target.Uid != TransferSyntax.Uid && (target.IsEncapsulated || TransferSyntax.IsEncapsulated))
        {
            throw new DicomException($"cannot write {TransferSyntax} as {target}: converting encapsulated pixel data needs a codec");
        }

        output.Write(Preamble.Length == PreambleLength ? Preamble.Span : new byte[PreambleLength]);
        output.Write("DICM"u8);
        new DicomWriter(explicitVR: true, bigEndian: false).Write(BuildMeta(target), output);

        byte[] body = new DicomWriter(target.IsExplicitVR, target.IsBigEndian).Encode(Dataset);
        if (target.IsDeflated)
        {
            // PS3.5 §A.5: raw deflate (RFC 1951) of the explicit VR little endian data set.
            using var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true);
            deflate.Write(body);
        }
        else
        {
            output.Write(body);
        }
    }

    /// <summary>
    /// Writes the start of a Part 10 file for a data set that arrives as encoded bytes (a C-STORE streamed off the
    /// network): zero preamble, "DICM" and File Meta Information (PS3.10 §7.1 Table 7.1-1) naming the SOP class and
    /// instance, the transfer syntax the bytes are in, this implementation and the sending AE. The caller appends the
    /// data set bytes unchanged (still deflated for Deflated Explicit VR Little Endian).
    /// </summary>
    public static void WriteFileMetaInformation(Stream output, string sopClassUid, string sopInstanceUid, DicomTransferSyntax transferSyntax, string? sourceAeTitle = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        var meta = new List<DicomElement>
        {
            new(DicomTag.FileMetaInformationGroupLength, DicomVR.UL, new byte[4], -1, isBigEndian: false),
            new(new DicomTag(0x0002, 0x0001), DicomVR.OB, new byte[] { 0x00, 0x01 }, -1, isBigEndian: false),
            new(new DicomTag(0x0002, 0x0002), DicomVR.UI, Padded(sopClassUid, 0), -1, isBigEndian: false),
            new(new DicomTag(0x0002, 0x0003), DicomVR.UI, Padded(sopInstanceUid, 0), -1, isBigEndian: false),
            new(DicomTag.TransferSyntaxUid, DicomVR.UI, Padded(transferSyntax.Uid, 0), -1, isBigEndian: false),
            new(new DicomTag(0x0002, 0x0012), DicomVR.UI, Padded(ImplementationClassUid, 0), -1, isBigEndian: false),
            new(new DicomTag(0x0002, 0x0013), DicomVR.SH, Padded(ImplementationVersionName, (byte)' '), -1, isBigEndian: false),
        };
        if (!string.IsNullOrEmpty(sourceAeTitle))
        {
            meta.Add(new(new DicomTag(0x0002, 0x0016), DicomVR.AE, Padded(sourceAeTitle, (byte)' '), -1, isBigEndian: false));
        }

        output.Write(new byte[PreambleLength]);
        output.Write("DICM"u8);
        new DicomWriter(explicitVR: true, bigEndian: false).Write(new DicomDataset(meta, Text.DicomCharacterSet.Default), output);

        static byte[] Padded(string value, byte padding) =>
            System.Text.Encoding.ASCII.GetBytes(value.Length % 2 == 1 ? value + (char)padding : value);
    }

    private DicomDataset BuildMeta(DicomTransferSyntax target)
    {
        var meta = new List<DicomElement>();
        if (FileMetaInformation.Count == 0)
        {
            meta.Add(Element(new DicomTag(0x0002, 0x0001), DicomVR.OB, [0x00, 0x01]));
            foreach ((ushort element, ushort source) in new (ushort, ushort)[] { (0x0002, 0x0016), (0x0003, 0x0018) })
            {
                if (Dataset.TryGetElement(new DicomTag(0x0008, source), out DicomElement? uid) && uid.VR == DicomVR.UI)
                {
                    meta.Add(Element(new DicomTag(0x0002, element), DicomVR.UI, uid.Value.ToArray()));
                }
            }

            meta.Add(Element(new DicomTag(0x0002, 0x0012), DicomVR.UI, Ascii(ImplementationClassUid, 0)));
            meta.Add(Element(new DicomTag(0x0002, 0x0013), DicomVR.SH, Ascii(ImplementationVersionName, (byte)' ')));
        }
        else
        {
            meta.AddRange(FileMetaInformation.Where(e => e.Tag != DicomTag.FileMetaInformationGroupLength && e.Tag != DicomTag.TransferSyntaxUid));
        }

        meta.Add(Element(DicomTag.TransferSyntaxUid, DicomVR.UI, Ascii(target.Uid, 0)));
        // PS3.10 §7.1: (0002,0000) is required; its value is computed by the writer.
        meta.Add(Element(DicomTag.FileMetaInformationGroupLength, DicomVR.UL, [0, 0, 0, 0]));
        return new DicomDataset(meta, Telemed.Dicom.Text.DicomCharacterSet.Default);

        static DicomElement Element(DicomTag tag, DicomVR vr, byte[] value) => new(tag, vr, value, -1, isBigEndian: false);

        static byte[] Ascii(string value, byte padding)
        {
            byte[] bytes = System.Text.Encoding.ASCII.GetBytes(value.Length % 2 == 1 ? value + (char)padding : value);
            return bytes;
        }
    }

    /// <summary>
    /// Reads a file into memory and parses it; the data set's values are slices of that one buffer. With
    /// <see cref="DicomReadOptions.StopBeforePixelData"/> only the bytes before the top-level Pixel Data are read from
    /// disk (see <see cref="ReadAsync(Stream, DicomReadOptions?, CancellationToken)"/>).
    /// </summary>
    public static DicomFile Open(string path, DicomReadOptions? options = null)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"DICOM file not found: {path}", path);
        }

        if (options?.StopBeforePixelData == true)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
            // Synchronous reads: the ValueTask has completed when it returns.
            ValueTask<DicomFile> read = DicomStreamReader.ReadAsync(stream, options, synchronous: true, CancellationToken.None);
            System.Diagnostics.Debug.Assert(read.IsCompleted, "synchronous reading completes before returning");
            return read.IsCompleted ? read.Result : read.AsTask().GetAwaiter().GetResult();
        }

        if (info.Length > Array.MaxLength)
        {
            throw new DicomException($"{path}: {info.Length} bytes is more than this reader holds in memory ({Array.MaxLength})");
        }

        return Parse(File.ReadAllBytes(path), options);
    }

    /// <summary>
    /// Reads a Part 10 file or a bare data set from <paramref name="input"/>, from its current position. Without
    /// <see cref="DicomReadOptions.StopBeforePixelData"/> the stream is read to its end. With it, element headers are
    /// scanned as they arrive and reading ends at the top-level Pixel Data (7FE0,0010): its 4 tag bytes are the last
    /// read (they are what identifies it), and a seekable stream is then put back to the tag's first byte so the
    /// caller can go on reading the pixel data. A stream that cannot seek keeps those 4 bytes consumed (and, for a
    /// bare data set whose pixel data starts within its first 132 bytes, up to 132); to continue from a forward-only
    /// source, read through a PipeReader instead. A Deflated data set (PS3.5 §A.5) is left wherever the inflater
    /// had read to. The input is buffered as it arrives, never by a length the input declares, up to
    /// <see cref="DicomReadOptions.MaxFileLength"/>.
    /// </summary>
    public static ValueTask<DicomFile> ReadAsync(Stream input, DicomReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return DicomStreamReader.ReadAsync(input, options ?? DicomReadOptions.Default, synchronous: false, cancellationToken);
    }

    /// <summary>
    /// As <see cref="ReadAsync(Stream, DicomReadOptions?, CancellationToken)"/>, from a pipe. With
    /// <see cref="DicomReadOptions.StopBeforePixelData"/> the reader is advanced to exactly the first byte of the
    /// top-level Pixel Data tag (later bytes may have been examined, not consumed), so the next ReadAsync returns
    /// the pixel data element. The pipe is not completed.
    /// </summary>
    public static ValueTask<DicomFile> ReadAsync(PipeReader input, DicomReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return DicomStreamReader.ReadAsync(input, options ?? DicomReadOptions.Default, cancellationToken);
    }

    public static DicomFile Parse(ReadOnlyMemory<byte> data, DicomReadOptions? options = null)
    {
        options ??= DicomReadOptions.Default;
        FilePrefix prefix = ReadPrefix(data, options);
        (DicomTransferSyntax syntax, bool inferred) = DeclaredSyntax(prefix.Meta) is { } declared
            ? (declared, false)
            : (InferTransferSyntax(data.Span, prefix.DatasetStart), true);
        DicomDataset dataset = ParseBody(data, prefix.DatasetStart, syntax, options);
        return Assemble(data, prefix, syntax, inferred, dataset);
    }

    /// <summary>Preamble and File Meta Information: where they end and what they hold.</summary>
    internal readonly record struct FilePrefix(bool HasPreamble, DicomDataset Meta, int DatasetStart);

    internal static FilePrefix ReadPrefix(ReadOnlyMemory<byte> data, DicomReadOptions options)
    {
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

        return new FilePrefix(hasPreamble, meta, start);
    }

    /// <summary>The transfer syntax (0002,0010) names, or null when it is absent or empty.</summary>
    internal static DicomTransferSyntax? DeclaredSyntax(DicomDataset meta) =>
        meta.TryGetElement(DicomTag.TransferSyntaxUid, out DicomElement? tsElement) && tsElement.VR == DicomVR.UI
            && tsElement.GetUid().Length > 0
            ? DicomTransferSyntax.FromUid(tsElement.GetUid())
            : null;

    internal static DicomFile Assemble(ReadOnlyMemory<byte> data, FilePrefix prefix, DicomTransferSyntax syntax, bool inferred, DicomDataset dataset) =>
        new(prefix.Meta, dataset, syntax, prefix.HasPreamble, inferred)
        {
            Preamble = prefix.HasPreamble ? data[..PreambleLength] : ReadOnlyMemory<byte>.Empty,
        };

    internal static DicomDataset ParseBody(ReadOnlyMemory<byte> data, int start, DicomTransferSyntax syntax, DicomReadOptions options)
    {
        if (syntax.IsDeflated)
        {
            // Offsets in errors then count from the start of the inflated data set.
            data = Inflate(data[start..], options.MaxInflatedLength);
            start = 0;
        }

        return ParseNative(data, start, syntax, options);
    }

    /// <summary>The data set as encoded (for a Deflated transfer syntax: already inflated).</summary>
    internal static DicomDataset ParseNative(ReadOnlyMemory<byte> data, int start, DicomTransferSyntax syntax, DicomReadOptions options)
    {
        DicomDataset dataset = new DicomParser(data, start, options).ReadDataset(syntax);
        Text.CharacterSetFallback.Apply(dataset, options.FallbackCharacterSet);
        return dataset;
    }

    /// <summary>
    /// Without a Transfer Syntax UID: if the bytes after the first tag are a VR code the data set is explicit VR,
    /// and the byte order is the one that reads the first group as the smaller number (data sets start low, usually
    /// 0008); otherwise Implicit VR Little Endian, the default transfer syntax (PS3.5 §10.1).
    /// </summary>
    internal static DicomTransferSyntax InferTransferSyntax(ReadOnlySpan<byte> span, int start)
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
