using System.IO.Pipelines;

namespace Telemed.Dicom.Network;

/// <summary>A duplex pipe over a stream (a NetworkStream today, an SslStream for TLS): completing both ends disposes the stream.</summary>
internal sealed class DuplexStreamPipe(Stream stream) : IDuplexPipe
{
    public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096));

    public PipeWriter Output { get; } = PipeWriter.Create(stream);
}
