using System.Text;

namespace Telemed.ConsultHub.DicomWeb;

/// <summary>
/// Streams a multipart/related response (RFC 2387, PS3.18 §8.7.3.2): each part written as it is produced, so a
/// study goes out one instance at a time. The body starts with the first boundary (no preamble), which is what
/// simple DICOMweb clients expect.
/// </summary>
internal sealed class MultipartRelatedWriter
{
    private readonly Stream body;
    private readonly string boundary = "telemed-" + Guid.NewGuid().ToString("N");
    private bool any;

    public MultipartRelatedWriter(HttpResponse response, string partType, string? transferSyntax = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        body = response.Body;
        response.ContentType = $"multipart/related; type=\"{partType}\"; boundary={boundary}"
            + (transferSyntax is null ? "" : $"; transfer-syntax={transferSyntax}");
    }

    public async Task WritePartAsync(string contentType, Func<Stream, Task> writeContent, string? location = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writeContent);
        var head = new StringBuilder();
        head.Append(any ? "\r\n--" : "--").Append(boundary).Append("\r\n");
        head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        if (location is not null)
        {
            head.Append("Content-Location: ").Append(location).Append("\r\n");
        }

        head.Append("\r\n");
        any = true;
        await body.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
        await writeContent(body);
    }

    public Task WritePartAsync(string contentType, ReadOnlyMemory<byte> content, string? location = null, CancellationToken cancellationToken = default) =>
        WritePartAsync(contentType, s => s.WriteAsync(content, cancellationToken).AsTask(), location, cancellationToken);

    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        string end = any ? $"\r\n--{boundary}--\r\n" : $"--{boundary}--\r\n";
        await body.WriteAsync(Encoding.ASCII.GetBytes(end), cancellationToken);
    }
}
