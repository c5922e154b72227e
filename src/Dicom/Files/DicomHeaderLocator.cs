using System.Buffers.Binary;

namespace Telemed.Dicom.Files;

/// <summary>What <see cref="DicomHeaderLocator.Advance"/> found.</summary>
internal enum LocateStatus
{
    NeedMoreData,

    /// <summary>The top-level Pixel Data tag starts at <see cref="DicomHeaderLocator.StopPosition"/>.</summary>
    PixelDataFound,

    /// <summary>The input ended first: everything read is the file.</summary>
    EndOfData,

    /// <summary>The data set after the meta information, at <see cref="DicomHeaderLocator.DatasetStart"/>, is deflated (PS3.5 §A.5).</summary>
    Deflated,
}

/// <summary>
/// Decides, over a prefix of a Part 10 file or bare data set that grows as it arrives, how many bytes come before the
/// top-level Pixel Data (7FE0,0010), asking for no byte beyond what the next decision needs. The steps are those of
/// <see cref="DicomFile.Parse"/>: 132 bytes to tell whether there is a preamble and "DICM" (PS3.10 §7.1), the File
/// Meta Information scanned while the group is 0002, the transfer syntax it names (or one inferred from the first 8
/// bytes of the data set), then the data set's element headers (<see cref="DicomElementScanner"/>).
/// </summary>
internal sealed class DicomHeaderLocator
{
    private const int PreambleAndPrefixLength = 132;

    private readonly DicomReadOptions options;
    private Step step = Step.Preamble;
    private int metaStart;
    private DicomElementScanner? scanner;

    public DicomHeaderLocator(DicomReadOptions options)
    {
        this.options = options;
    }

    private enum Step
    {
        Preamble,
        MetaStart,
        Meta,
        Syntax,
        Dataset,
    }

    /// <summary>After <see cref="LocateStatus.NeedMoreData"/>: the input length the next decision needs.</summary>
    public long Required { get; private set; }

    /// <summary>Bytes certainly before the stop point: a pipe may consume them.</summary>
    public long Committed => step switch
    {
        Step.Preamble or Step.MetaStart => 0,
        Step.Syntax => Prefix.DatasetStart,
        _ => scanner!.Position,
    };

    public long StopPosition { get; private set; } = -1;

    /// <summary>Preamble and meta information, once read (before the data set is scanned).</summary>
    public DicomFile.FilePrefix Prefix { get; private set; }

    public DicomTransferSyntax? TransferSyntax { get; private set; }

    public bool IsTransferSyntaxInferred { get; private set; }

    public int DatasetStart => Prefix.DatasetStart;

    /// <summary>Tag and offset of the element whose length made <see cref="Required"/> what it is, for errors.</summary>
    public (Tags.DicomTag? Tag, long Offset) LastElement => scanner is null ? (null, -1) : (scanner.LastTag, scanner.LastOffset);

    /// <param name="memory">All input so far, from its first byte; the meta information's values are slices of it.</param>
    /// <param name="isFinal">No more input will come.</param>
    public LocateStatus Advance(ReadOnlyMemory<byte> memory, bool isFinal)
    {
        ReadOnlySpan<byte> data = memory.Span;
        while (true)
        {
            switch (step)
            {
                case Step.Preamble:
                    if (data.Length < PreambleAndPrefixLength && !isFinal)
                    {
                        return Need(PreambleAndPrefixLength);
                    }

                    metaStart = data.Length >= PreambleAndPrefixLength && data.Slice(128, 4).SequenceEqual("DICM"u8) ? PreambleAndPrefixLength : 0;
                    step = Step.MetaStart;
                    break;

                case Step.MetaStart:
                    // Parse reads meta information when 8 bytes start with group 0002; 4 bytes may already rule it out.
                    if (data.Length < metaStart + 4 && !isFinal)
                    {
                        return Need(metaStart + 4);
                    }

                    bool group2 = data.Length >= metaStart + 4 && BinaryPrimitives.ReadUInt16LittleEndian(data[metaStart..]) == 0x0002;
                    if (group2 && data.Length < metaStart + 8 && !isFinal)
                    {
                        return Need(metaStart + 8);
                    }

                    if (group2 && data.Length >= metaStart + 8)
                    {
                        // PS3.10 §7.1: group 0002 is Explicit VR Little Endian.
                        scanner = new DicomElementScanner(metaStart, explicitVR: true, bigEndian: false, stopAtPixelData: false, options.MaxSequenceDepth);
                        step = Step.Meta;
                    }
                    else
                    {
                        EndMeta(memory);
                    }

                    break;

                case Step.Meta:
                    ScanStatus meta = scanner!.Scan(data, isFinal);
                    if (meta == ScanStatus.NeedMoreData)
                    {
                        return Need(scanner.Required);
                    }

                    if (meta == ScanStatus.EndOfData && scanner.Position > data.Length)
                    {
                        return LocateStatus.EndOfData; // a truncated meta element: Parse reports it
                    }

                    EndMeta(memory);
                    break;

                case Step.Syntax:
                    if (DicomFile.DeclaredSyntax(Prefix.Meta) is { } declared)
                    {
                        TransferSyntax = declared;
                    }
                    else if (data.Length < DatasetStart + 8 && !isFinal)
                    {
                        return Need(DatasetStart + 8);
                    }
                    else
                    {
                        TransferSyntax = DicomFile.InferTransferSyntax(data, DatasetStart);
                        IsTransferSyntaxInferred = true;
                    }

                    if (TransferSyntax.IsDeflated)
                    {
                        return LocateStatus.Deflated;
                    }

                    scanner = new DicomElementScanner(
                        DatasetStart, TransferSyntax.IsExplicitVR, TransferSyntax.IsBigEndian, stopAtPixelData: true, options.MaxSequenceDepth);
                    step = Step.Dataset;
                    break;

                default:
                    ScanStatus status = scanner!.Scan(data, isFinal);
                    if (status == ScanStatus.NeedMoreData)
                    {
                        return Need(scanner.Required);
                    }

                    if (status == ScanStatus.EndOfData)
                    {
                        return LocateStatus.EndOfData;
                    }

                    StopPosition = scanner.Position;
                    return LocateStatus.PixelDataFound;
            }
        }
    }

    private LocateStatus Need(long required)
    {
        Required = required;
        return LocateStatus.NeedMoreData;
    }

    /// <summary>The meta information is complete in <paramref name="memory"/>: read it as Parse does.</summary>
    private void EndMeta(ReadOnlyMemory<byte> memory)
    {
        Prefix = DicomFile.ReadPrefix(memory, options);
        step = Step.Syntax;
    }
}
