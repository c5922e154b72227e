namespace Telemed.Dicom.Tests.Files;

/// <summary>
/// A stream over bytes that hands out at most <c>chunk</c> bytes per read, like a slow socket. Not seekable unless
/// asked: then a reader that over-read can put the position back, otherwise <see cref="Consumed"/> shows it.
/// </summary>
internal sealed class TrickleStream(byte[] data, int chunk, bool seekable = false) : Stream
{
    public int Consumed { get; private set; }

    public int Reads { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => seekable;

    public override bool CanWrite => false;

    public override long Length => seekable ? data.Length : throw new NotSupportedException();

    public override long Position
    {
        get => seekable ? Consumed : throw new NotSupportedException();
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        int n = Math.Min(Math.Min(buffer.Length, chunk), data.Length - Consumed);
        data.AsSpan(Consumed, n).CopyTo(buffer);
        Consumed += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        if (!seekable)
        {
            throw new NotSupportedException();
        }

        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Consumed + offset,
            _ => data.Length + offset,
        };
        Consumed = (int)Math.Clamp(target, 0, data.Length);
        return Consumed;
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
