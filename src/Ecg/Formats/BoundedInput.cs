namespace Telemed.Ecg.Formats;

/// <summary>Reads a whole upload into memory, refusing more than a format's limit before buffering it.</summary>
internal static class BoundedInput
{
    public static byte[] ReadAll(Stream stream, int maxBytes, EcgFileFormat format)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (remaining > maxBytes)
            {
                throw TooLarge(format, remaining, maxBytes);
            }

            var exact = new byte[remaining];
            stream.ReadExactly(exact);
            return exact;
        }

        // Unknown length: grow in steps, never past the limit (a stream cannot make us buffer more than maxBytes + 1).
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(format, buffer.Length + read, maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static EcgFormatException TooLarge(EcgFileFormat format, long size, int maxBytes) =>
        new(format, "file", $"{size} bytes or more is larger than the {maxBytes} bytes this reader accepts.");
}
