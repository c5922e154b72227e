namespace Telemed.Ecg.Wfdb;

/// <summary>
/// Bounded reads of WFDB files, which arrive from uploads and must not be trusted to be small or ordinary.
/// </summary>
/// <remarks>
/// .NET exposes no file-type query on Unix, but devices, FIFOs and sockets all report a length (st_size) of 0.
/// So a file of length 0 is never opened (opening a FIFO would block; /dev/zero would never end), and no
/// read goes past the length taken before opening: whatever the path names, at most that many bytes are read.
/// </remarks>
internal static class WfdbFiles
{
    /// <summary>Largest header this reader accepts: real headers are a few kB even with thousands of signals.</summary>
    public const long MaxHeaderBytes = 1L << 20;

    /// <summary>Largest annotation file: 256 MiB is tens of millions of annotations, far beyond any recording.</summary>
    public const long MaxAnnotationBytes = 256L << 20;

    /// <summary>
    /// Largest amount of sample data read from one signal file: just below .NET's largest byte array
    /// (<see cref="Array.MaxLength"/>); 24 h of 12 leads at 500 Hz in format 16 is about 1.04 GB.
    /// </summary>
    public const long MaxSignalBytes = 2_000_000_000;

    /// <summary>The length of <paramref name="path"/>, which must exist and be no longer than <paramref name="maxBytes"/>.</summary>
    public static long Length(string path, long maxBytes, string what)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{what} not found: {path}", path);
        }

        if (info.Length > maxBytes)
        {
            throw new WfdbFormatException($"{path}: {what} is {info.Length} bytes; this reader accepts at most {maxBytes} bytes.");
        }

        return info.Length;
    }

    /// <summary>True if <paramref name="path"/> is a symbolic link (which could point anywhere on the machine).</summary>
    public static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    /// <summary>
    /// Reads <paramref name="count"/> bytes from <paramref name="offset"/>, or fewer if the file ends first
    /// (the caller compares). Never opens the file when <paramref name="count"/> is 0.
    /// </summary>
    public static byte[] ReadRange(string path, long offset, int count)
    {
        if (count == 0)
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        stream.Seek(offset, SeekOrigin.Begin);
        byte[] buffer = new byte[count];
        int read = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
        return read == count ? buffer : buffer[..read];
    }
}
