using System.IO.Compression;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Wfdb;

/// <summary>
/// A WFDB record uploaded as one file: a ZIP archive (APPNOTE.TXT) holding the header (.hea) and the signal files it
/// names, flat or in one folder. A header alone cannot be read (the samples are in the .dat), so an uploader sends
/// both in one archive, e.g. <c>zip 100.zip 100.hea 100.dat</c>. Entries are extracted by file name only (no paths,
/// so none escapes the scratch folder) and each is bounded in size (a zip bomb stops at the bound).
/// </summary>
public static class WfdbArchive
{
    /// <summary>A ZIP local file header signature ("PK\3\4") at the start.</summary>
    public static bool IsZip(ReadOnlySpan<byte> head) => head.StartsWith("PK\u0003\u0004"u8);

    public static EcgDocument Read(string zipPath, long maxEntryBytes = 512L << 20)
    {
        ArgumentNullException.ThrowIfNull(zipPath);
        string scratch = Path.Combine(Path.GetTempPath(), "telemed-wfdb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            var headers = new List<string>();
            using (ZipArchive zip = ZipFile.OpenRead(zipPath))
            {
                foreach (ZipArchiveEntry entry in zip.Entries)
                {
                    string name = Path.GetFileName(entry.FullName);
                    if (name.Length == 0 || name.StartsWith('.') || entry.FullName.Contains("__MACOSX", StringComparison.Ordinal))
                    {
                        continue; // folders and the metadata some archivers add
                    }

                    string target = Path.Combine(scratch, name);
                    if (File.Exists(target))
                    {
                        throw new EcgFormatException(EcgFileFormat.Wfdb, entry.FullName, "the archive holds two files of this name; put one record in it.");
                    }

                    using (Stream source = entry.Open())
                    using (FileStream output = File.Create(target))
                    {
                        CopyBounded(source, output, maxEntryBytes, entry.FullName);
                    }

                    if (name.EndsWith(".hea", StringComparison.OrdinalIgnoreCase))
                    {
                        headers.Add(target);
                    }
                }
            }

            string header = headers.Count switch
            {
                1 => headers[0],
                0 => throw new EcgFormatException(EcgFileFormat.Wfdb, "archive", "no WFDB header (.hea) in the ZIP archive; it needs record.hea and its signal files (.dat)."),
                _ => throw new EcgFormatException(EcgFileFormat.Wfdb, "archive", $"{headers.Count} WFDB headers in the ZIP archive; upload one record per archive."),
            };
            EcgRecording recording;
            try
            {
                recording = WfdbRecordReader.Read(header[..^4]);
            }
            catch (FileNotFoundException e)
            {
                throw new EcgFormatException(EcgFileFormat.Wfdb, Path.GetFileName(header), $"a signal file the header names is not in the archive: {Path.GetFileName(e.FileName)}", e);
            }

            return new EcgDocument(EcgFileFormat.Wfdb, recording, EcgMetadata.Empty, []);
        }
        catch (InvalidDataException e)
        {
            throw new EcgFormatException(EcgFileFormat.Wfdb, "archive", "not a readable ZIP archive: " + e.Message, e);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void CopyBounded(Stream source, Stream output, long max, string name)
    {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            total += read;
            if (total > max)
            {
                throw new EcgFormatException(EcgFileFormat.Wfdb, name, $"the entry expands beyond {max} bytes.");
            }

            output.Write(buffer, 0, read);
        }
    }
}
