using System.Buffers.Binary;
using Telemed.Dicom.Files;

namespace Telemed.DeviceGateway.Tests;

/// <summary>The repository's synthetic samples and the shared corpus, as the data set bytes a storage SCU would send.</summary>
internal static class GatewayTestData
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Telemed.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No directory containing Telemed.sln above {AppContext.BaseDirectory}.");
    });

    public static string Sample(string name) => Path.Combine(Root.Value, "samples", "dicom", name);

    /// <summary>../shared/dicom; CI has it, so a missing corpus fails rather than skips.</summary>
    public static string Corpus(string relative)
    {
        string path = Path.GetFullPath(Path.Combine(Root.Value, "..", "shared", "dicom", relative));
        return File.Exists(path) ? path : throw new FileNotFoundException($"corpus file missing: {path}", path);
    }

    /// <summary>A Part 10 file split as a C-STORE carries it: the command's UIDs and syntax, and the data set bytes.</summary>
    public static (string SopClass, string SopInstance, string Syntax, byte[] Dataset) AsSent(string path)
    {
        DicomFile file = DicomFile.Open(path);
        using var part10 = new MemoryStream();
        file.Write(part10);
        byte[] bytes = part10.ToArray();
        // Preamble (128) + "DICM" (4) + (0002,0000) UL element (12) + the group length it holds.
        int datasetStart = 144 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140, 4));
        return (file.Dataset.GetUid(Tag("SOPClassUID")), file.Dataset.GetUid(Tag("SOPInstanceUID")), file.TransferSyntax.Uid,
            bytes[datasetStart..]);
    }

    public static Telemed.Dicom.Tags.DicomTag Tag(string keyword) => Telemed.Dicom.Dictionary.DicomDictionary.GetTag(keyword);
}
