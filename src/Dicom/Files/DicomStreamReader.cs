using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Telemed.Dicom.Data;

namespace Telemed.Dicom.Files;

/// <summary>
/// Reads a file from a Stream or PipeReader into one contiguous buffer and hands it to the in-memory parser. With
/// <see cref="DicomReadOptions.StopBeforePixelData"/> a <see cref="DicomHeaderLocator"/> decides how much to read:
/// a Stream is asked for no byte past the top-level Pixel Data tag (and put back to its start if it can seek), a
/// PipeReader is advanced to exactly its start.
/// </summary>
internal static class DicomStreamReader
{
    private const string FileLimit = nameof(DicomReadOptions.MaxFileLength);
    private const int InflateChunk = 16384;

    /// <param name="synchronous">Use Stream.Read: the returned ValueTask has then completed (for <see cref="DicomFile.Open"/>).</param>
    public static async ValueTask<DicomFile> ReadAsync(Stream input, DicomReadOptions options, bool synchronous, CancellationToken cancellationToken)
    {
        if (!options.StopBeforePixelData)
        {
            long hint = input.CanSeek ? input.Length - input.Position + 1 : 0; // +1: the last read sees the end without growing
            var all = new InputBuffer(options.MaxFileLength, FileLimit, hint);
            while (await ReadSome(input, all.GetWritable(int.MaxValue), synchronous, cancellationToken).ConfigureAwait(false) is int n and > 0)
            {
                all.Advance(n);
            }

            return DicomFile.Parse(all.Memory, options);
        }

        var buffer = new InputBuffer(options.MaxFileLength, FileLimit);
        var locator = new DicomHeaderLocator(options);
        bool final = false;
        while (true)
        {
            switch (locator.Advance(buffer.Memory, final))
            {
                case LocateStatus.NeedMoreData:
                    CheckLimit(locator, buffer.Limit);
                    // Only up to what the next decision needs, so that nothing past the Pixel Data tag is taken.
                    int n = await ReadSome(input, buffer.GetWritable(locator.Required - buffer.Length), synchronous, cancellationToken).ConfigureAwait(false);
                    buffer.Advance(n);
                    final = n == 0;
                    break;

                case LocateStatus.PixelDataFound:
                    SeekBackOverRead(input, buffer.Length - locator.StopPosition);
                    return Build(buffer.Memory[..(int)locator.StopPosition], locator, options);

                case LocateStatus.EndOfData:
                    return DicomFile.Parse(buffer.Memory, options);

                default:
                    Stream rest = new PrefixedReadStream(buffer.Memory[locator.DatasetStart..], input);
                    return await ReadDeflatedAsync(buffer.Memory, rest, locator, options, synchronous, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static async ValueTask<DicomFile> ReadAsync(PipeReader input, DicomReadOptions options, CancellationToken cancellationToken)
    {
        var buffer = new InputBuffer(options.MaxFileLength, FileLimit);
        DicomHeaderLocator? locator = options.StopBeforePixelData ? new DicomHeaderLocator(options) : null;
        long consumed = 0; // input offset of the first byte of the pipe's current buffer
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> sequence = result.Buffer;
            bool advanced = false;
            try
            {
                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("the pipe read was cancelled");
                }

                // Bytes already copied on an earlier pass are still in the pipe when only part was consumed.
                ReadOnlySequence<byte> fresh = sequence.Slice(buffer.Length - consumed);
                if (locator is not null)
                {
                    // Bytes past the limit are left in the pipe: the header may end before them.
                    fresh = fresh.Slice(0, Math.Min(fresh.Length, buffer.Limit - buffer.Length));
                }

                bool final = result.IsCompleted && buffer.Length + fresh.Length == consumed + sequence.Length;
                fresh.CopyTo(buffer.Append(checked((int)Math.Min(fresh.Length, int.MaxValue))));
                if (locator is null)
                {
                    input.AdvanceTo(sequence.End);
                    advanced = true;
                    consumed = buffer.Length;
                    if (result.IsCompleted)
                    {
                        return DicomFile.Parse(buffer.Memory, options);
                    }

                    continue;
                }

                switch (locator.Advance(buffer.Memory, final))
                {
                    case LocateStatus.NeedMoreData:
                        CheckLimit(locator, buffer.Limit);
                        long commit = Math.Clamp(locator.Committed, consumed, buffer.Length);
                        // Consume what certainly precedes Pixel Data; everything has been examined, so wait for more.
                        input.AdvanceTo(sequence.GetPosition(commit - consumed), sequence.End);
                        advanced = true;
                        consumed = commit;
                        break;

                    case LocateStatus.PixelDataFound:
                        input.AdvanceTo(sequence.GetPosition(locator.StopPosition - consumed));
                        advanced = true;
                        return Build(buffer.Memory[..(int)locator.StopPosition], locator, options);

                    case LocateStatus.EndOfData:
                        input.AdvanceTo(sequence.End);
                        advanced = true;
                        return DicomFile.Parse(buffer.Memory, options);

                    default:
                        input.AdvanceTo(sequence.End);
                        advanced = true;
                        Stream rest = new PrefixedReadStream(buffer.Memory[locator.DatasetStart..], input.AsStream(leaveOpen: true));
                        return await ReadDeflatedAsync(buffer.Memory, rest, locator, options, synchronous: false, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (!advanced)
                {
                    // Leave the pipe readable after an error: nothing consumed by this pass.
                    input.AdvanceTo(sequence.Start);
                }
            }
        }
    }

    private static async ValueTask<int> ReadSome(Stream input, Memory<byte> target, bool synchronous, CancellationToken cancellationToken) =>
        synchronous ? input.Read(target.Span) : await input.ReadAsync(target, cancellationToken).ConfigureAwait(false);

    private static void CheckLimit(DicomHeaderLocator locator, long limit)
    {
        if (locator.Required > limit)
        {
            (Tags.DicomTag? tag, long offset) = locator.LastElement;
            throw DicomException.At(offset, tag,
                $"the value's length needs the input to reach byte {locator.Required}, beyond the {limit}-byte {FileLimit} limit");
        }
    }

    /// <summary>
    /// The Pixel Data tag is known only once its 4 bytes are read (and the preamble check, 132 bytes, or transfer
    /// syntax inference, 8, can read further when a bare data set's Pixel Data starts that early): a seekable stream
    /// is put back to the tag.
    /// </summary>
    private static void SeekBackOverRead(Stream input, long overRead)
    {
        if (overRead > 0 && input.CanSeek)
        {
            input.Seek(-overRead, SeekOrigin.Current);
        }
    }

    private static DicomFile Build(ReadOnlyMemory<byte> header, DicomHeaderLocator locator, DicomReadOptions options)
    {
        DicomTransferSyntax syntax = locator.TransferSyntax!;
        DicomDataset dataset = DicomFile.ParseNative(header, locator.DatasetStart, syntax, options);
        // Read again from the final buffer (the array may have grown since) so that every value is a slice of one array.
        return DicomFile.Assemble(header, DicomFile.ReadPrefix(header, options), syntax, locator.IsTransferSyntaxInferred, dataset);
    }

    /// <summary>
    /// PS3.5 §A.5: the data set is one raw deflate stream, so there is no input position to stop at; it is inflated
    /// chunk by chunk until its element headers reach the top-level Pixel Data (or it ends), and the inflated bytes
    /// are parsed. The input is left wherever the inflater read to.
    /// </summary>
    private static async ValueTask<DicomFile> ReadDeflatedAsync(
        ReadOnlyMemory<byte> file, Stream rest, DicomHeaderLocator locator, DicomReadOptions options, bool synchronous, CancellationToken cancellationToken)
    {
        var inflated = new InputBuffer(options.MaxInflatedLength, nameof(DicomReadOptions.MaxInflatedLength));
        var scanner = new DicomElementScanner(0, explicitVR: true, bigEndian: false, stopAtPixelData: true, options.MaxSequenceDepth);
        // Disposed synchronously: DicomFile.Open relies on this method completing without waiting.
        using (rest)
        {
            using (var inflater = new DeflateStream(rest, CompressionMode.Decompress, leaveOpen: true))
            {
                bool final = false;
                ScanStatus status;
                while ((status = scanner.Scan(inflated.Span, final)) == ScanStatus.NeedMoreData)
                {
                    try
                    {
                        int n = await ReadSome(inflater, inflated.GetWritable(InflateChunk), synchronous, cancellationToken).ConfigureAwait(false);
                        inflated.Advance(n);
                        final = n == 0;
                    }
                    catch (InvalidDataException ex)
                    {
                        throw new DicomException($"deflated data set is not a valid deflate stream: {ex.Message}", ex);
                    }
                }

                int end = status == ScanStatus.Stopped ? (int)scanner.Position : inflated.Length;
                // Offsets in errors count from the start of the inflated data set, as for Parse.
                DicomDataset dataset = DicomFile.ParseNative(inflated.Memory[..end], 0, locator.TransferSyntax!, options);
                return DicomFile.Assemble(file, DicomFile.ReadPrefix(file, options), locator.TransferSyntax!, locator.IsTransferSyntaxInferred, dataset);
            }
        }
    }
}
