namespace Telemed.Dicom.Network;

/// <summary>
/// The data set of one incoming DIMSE message as a read-only stream: each read copies PDV payload straight from
/// the association's transport buffers (PS3.8 Annex E), ending where the last-fragment bit says.
/// </summary>
internal sealed class DicomDataStream(DicomAssociation association) : Stream
{
    private long position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("the data set length is known only at its last fragment");

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int count = await association.ReadDataAsync(buffer);
        position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // The data arrives from the network: synchronous reads would block a thread-pool thread per association.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read the data set with ReadAsync");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
