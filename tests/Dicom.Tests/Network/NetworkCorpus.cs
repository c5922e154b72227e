namespace Telemed.Dicom.Tests.Network;

/// <summary>Corpus files (../shared/dicom/MANIFEST.tsv) a storage gateway accepts: SOP classes we serve, readable by dcmdump, small enough for fast tests.</summary>
internal static class NetworkCorpus
{
    private static readonly string[] ServedClasses =
    [
        "CT Image Storage", "MR Image Storage", "Secondary Capture Image Storage", "Ultrasound Image Storage",
        "Ultrasound Multi-frame Image Storage", "Computed Radiography Image Storage", "Digital X-Ray Image Storage - For Presentation",
        "Digital X-Ray Image Storage - For Processing", "Digital Mammography X-Ray Image Storage - For Presentation",
        "12-lead ECG Waveform Storage", "General ECG Waveform Storage",
    ];

    // DCMTK reads this file's odd-length pixel data as native OW despite its JPEG transfer syntax and refuses to send it.
    private static readonly string[] StorescuCannotSend = ["SC_rgb_small_odd_jpeg.dcm"];

    private static readonly Lazy<IReadOnlyList<(string Path, string SyntaxUid, long Size)>> All = new(Read);

    /// <summary>Up to <paramref name="perSyntax"/> files of each listed transfer syntax, smallest first.</summary>
    /// <summary>Up to <paramref name="perSyntax"/> files of each listed transfer syntax, smallest first, no two with the same SOP instance UID.</summary>
    public static IReadOnlyList<string> Select(int perSyntax, long maxBytes, params string[] syntaxUids) => Select(perSyntax, 0, maxBytes, syntaxUids);

    /// <summary>As <see cref="Select(int, long, string[])"/>, with a lower size bound too.</summary>
    public static IReadOnlyList<string> Select(int perSyntax, long minBytes, long maxBytes, params string[] syntaxUids)
    {
        var instances = new HashSet<string>();
        return [.. syntaxUids.SelectMany(uid => All.Value
            .Where(f => f.SyntaxUid == uid && f.Size >= minBytes && f.Size <= maxBytes && !StorescuCannotSend.Any(f.Path.EndsWith))
            .OrderBy(f => f.Size)
            .Where(f => IsSendable(f.Path, instances))
            .Take(perSyntax)).Select(f => f.Path)];
    }

    /// <summary>A C-STORE needs (0008,0016) and (0008,0018); some corpus files test other things and lack them.</summary>
    /// <summary>Encapsulated files must really hold fragments (one corpus file claims JPEG over native pixels).</summary>
    private static bool IsSendable(string path, HashSet<string> instances)
    {
        try
        {
            Telemed.Dicom.Files.DicomFile file = Telemed.Dicom.Files.DicomFile.Open(path);
            Telemed.Dicom.Data.DicomDataset set = file.Dataset;
            if (!set.Contains(new Telemed.Dicom.Tags.DicomTag(0x0008, 0x0016)) || !set.Contains(new Telemed.Dicom.Tags.DicomTag(0x0008, 0x0018)))
            {
                return false;
            }

            if (file.TransferSyntax.IsEncapsulated
                && !(set.TryGetElement(Telemed.Dicom.Tags.DicomTag.PixelData, out Telemed.Dicom.Data.DicomElement? pixels) && pixels is Telemed.Dicom.Data.DicomFragmentSequence))
            {
                return false;
            }

            string instance = set.GetUid(new Telemed.Dicom.Tags.DicomTag(0x0008, 0x0018));
            return instance.Length > 0 && instances.Add(instance);
        }
        catch (DicomException)
        {
            return false;
        }
    }

    private static IReadOnlyList<(string, string, long)> Read()
    {
        string[] lines = File.ReadAllLines(TestData.PathOf("MANIFEST.tsv"));
        string[] header = lines[0].Split('\t');
        int file = Array.IndexOf(header, "file");
        int sop = Array.IndexOf(header, "sop_class_name");
        int syntax = Array.IndexOf(header, "transfer_syntax");
        int size = Array.IndexOf(header, "size_bytes");
        int ok = Array.IndexOf(header, "dcmdump_ok");
        return [.. lines.Skip(1).Select(l => l.Split('\t'))
            .Where(f => f[ok] == "yes" && ServedClasses.Contains(f[sop], StringComparer.OrdinalIgnoreCase) && long.TryParse(f[size], out _))
            .Select(f => (TestData.PathOf(f[file]), f[syntax].Split(' ')[0], long.Parse(f[size])))];
    }
}
