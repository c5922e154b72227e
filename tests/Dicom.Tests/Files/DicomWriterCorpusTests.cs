using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tests.Conformance;
using Telemed.Dicom.ValueRepresentations;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Files;

/// <summary>
/// Read → write → compare on every file of the corpus that we read. A file is <em>canonical</em> when it has the
/// preamble and "DICM", a File Meta Information group with a correct (0002,0000), a data set that is not deflated
/// (deflate output depends on the compressor), only even-length values and fragments (PS3.5 §7.1.1), correct group
/// lengths wherever (gggg,0000) appears, no explicit VR field that is no VR, no undefined-length UN, tags in
/// ascending order without duplicates, and no bytes after the data set. Canonical files must come back byte for byte;
/// every file must come back equal under dcmdump (tag, VR and printed value at every level, group lengths excepted).
/// </summary>
public sealed class DicomWriterCorpusTests(ITestOutputHelper output)
{
    private static readonly string TempDirectory = Path.Combine(Path.GetTempPath(), "telemed-dicom-writer-tests");

    public static TheoryData<string> ReadableFiles()
    {
        var data = new TheoryData<string>();
        foreach (string relativePath in ReadablePaths())
        {
            data.Add(relativePath);
        }

        return data;
    }

    /// <summary>Files dcmdump reads, less the one we reject on purpose (see DcmtkConformanceTests).</summary>
    private static IEnumerable<string> ReadablePaths() => TestData.CorpusFiles
        .Where(f => f.DcmdumpReadsIt && f.RelativePath != "pydicom/test_files/dicomdirtests/DICOMDIR-nooffset")
        .Select(f => f.RelativePath);

    [Fact]
    public void Canonical_files_round_trip_byte_for_byte()
    {
        int identical = 0;
        int canonical = 0;
        var reasons = new Dictionary<string, int>();
        var failures = new List<string>();
        foreach (string relativePath in ReadablePaths())
        {
            byte[] original = File.ReadAllBytes(TestData.PathOf(relativePath));
            DicomFile file = DicomFile.Parse(original);
            byte[] written = Write(file, null);
            string? why = NotCanonical(original, file);
            bool same = written.AsSpan().SequenceEqual(original);
            identical += same ? 1 : 0;
            if (why is null)
            {
                canonical++;
                if (!same)
                {
                    failures.Add($"{relativePath}: canonical but differs at byte {FirstDifference(original, written)}");
                }
            }
            else if (!same)
            {
                reasons[why] = reasons.GetValueOrDefault(why) + 1;
            }
        }

        output.WriteLine($"{identical} file(s) byte-identical after read → write; {canonical} canonical");
        foreach ((string reason, int count) in reasons.OrderByDescending(r => r.Value))
        {
            output.WriteLine($"  {count} differ, not canonical: {reason}");
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        Assert.True(identical >= 250, $"only {identical} files round-tripped byte for byte");
    }

    [Theory]
    [MemberData(nameof(ReadableFiles))]
    public void Written_file_dumps_like_the_original(string relativePath)
    {
        string path = TestData.PathOf(relativePath);
        DicomFile file = DicomFile.Open(path);
        Directory.CreateDirectory(TempDirectory);
        string ours = Path.Combine(TempDirectory, relativePath.Replace('/', '_'));
        file.Save(ours);
        try
        {
            (List<DcmdumpNode> meta, List<DcmdumpNode> dataset) = DcmdumpListing.Read(path);
            (List<DcmdumpNode> ourMeta, List<DcmdumpNode> ourDataset) = DcmdumpListing.Read(ours);
            var problems = new List<string>();
            CompareMeta(meta, ourMeta, problems);
            Compare(dataset, ourDataset, "", problems);
            Assert.True(problems.Count == 0, $"{relativePath}: {problems.Count} difference(s) between dcmdump of the original and of our output:\n" + string.Join('\n', problems.Take(10)));
        }
        finally
        {
            File.Delete(ours);
        }
    }

    [Theory]
    [MemberData(nameof(ReadableFiles))]
    public void Native_files_convert_between_native_transfer_syntaxes_and_read_back_equal(string relativePath)
    {
        DicomFile file = DicomFile.Open(TestData.PathOf(relativePath));
        if (file.TransferSyntax.IsEncapsulated)
        {
            Assert.Throws<DicomException>(() => file.Write(Stream.Null, DicomTransferSyntax.ImplicitVRLittleEndian));
            return;
        }

        foreach (DicomTransferSyntax target in new[]
        {
            DicomTransferSyntax.ImplicitVRLittleEndian, DicomTransferSyntax.ExplicitVRLittleEndian,
            DicomTransferSyntax.ExplicitVRBigEndian, DicomTransferSyntax.DeflatedExplicitVRLittleEndian,
        })
        {
            DicomFile back = DicomFile.Parse(Write(file, target));
            Assert.Same(target, back.TransferSyntax);
            var problems = new List<string>();
            CompareDatasets(file.Dataset, back.Dataset, target.IsExplicitVR && file.TransferSyntax.IsExplicitVR, !target.IsExplicitVR, "", problems);
            Assert.True(problems.Count == 0, $"{relativePath} as {target.Name}:\n" + string.Join('\n', problems.Take(10)));
        }
    }

    private static byte[] Write(DicomFile file, DicomTransferSyntax? target)
    {
        using var stream = new MemoryStream();
        file.Write(stream, target);
        return stream.ToArray();
    }

    private static long FirstDifference(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return n;
    }

    /// <summary>Why a file is not canonical (see the class summary), judged from the original bytes; null when it is.</summary>
    private static string? NotCanonical(byte[] original, DicomFile file)
    {
        if (!file.HasPreamble)
        {
            return "no preamble / DICM";
        }

        if (file.TransferSyntax.IsDeflated)
        {
            return "deflated data set";
        }

        if (!file.FileMetaInformation.TryGetElement(new(0x0002, 0x0000), out DicomElement? groupLength))
        {
            return "no (0002,0000)";
        }

        int metaLength = file.FileMetaInformation.Where(e => e.Tag.Element != 0).Sum(e => e.VR.ExplicitHeaderLength + e.Length);
        if (groupLength.GetUInt32() != metaLength)
        {
            return "(0002,0000) does not match the meta information";
        }

        if (!Even(file.FileMetaInformation) || !Even(file.Dataset))
        {
            return "odd-length value or fragment";
        }

        var top = file.Dataset.ToList();
        for (int i = 0; i < top.Count; i++)
        {
            if (top[i].Tag.IsGroupLength && top[i].VR == DicomVR.UL && top[i].Length == 4)
            {
                int next = i + 1;
                while (next < top.Count && top[next].Tag.Group == top[i].Tag.Group)
                {
                    next++;
                }

                long end = next < top.Count ? top[next].Offset : original.Length;
                if (top[i].GetUInt32() != end - (top[i].Offset + 12))
                {
                    return "a group length (gggg,0000) in the data set is wrong";
                }
            }

            if (top[i] is DicomFragmentSequence && !original.AsSpan((int)top[i].Offset + 4, 2).SequenceEqual("OB"u8))
            {
                return "encapsulated Pixel Data with a VR other than OB (PS3.5 §A.4)";
            }
        }

        byte[] rewritten;
        using (var stream = new MemoryStream())
        {
            file.Write(stream);
            rewritten = stream.ToArray();
        }

        // What remains can only be seen by comparing sizes: group lengths, duplicates, unknown VR fields, trailing bytes.
        return rewritten.Length == original.Length ? null : $"length changes ({original.Length} → {rewritten.Length} bytes): wrong group length, duplicate or unsorted tags, non-VR bytes or trailing data";
    }

    private static bool Even(DicomDataset dataset) => dataset.All(e => e switch
    {
        DicomSequence s => s.Items.All(Even),
        DicomFragmentSequence f => f.BasicOffsetTable.Length % 2 == 0 && f.Fragments.All(x => x.Length % 2 == 0),
        _ => e.Length % 2 == 0,
    });

    private static void CompareMeta(List<DcmdumpNode> original, List<DcmdumpNode> ours, List<string> problems)
    {
        foreach (DcmdumpNode node in original.Where(n => n.Tag != 0x00020000))
        {
            DcmdumpNode? mine = ours.FirstOrDefault(n => n.Tag == node.Tag);
            if (mine is null || mine.VR != node.VR || mine.Value != node.Value)
            {
                problems.Add($"meta {node.Tag:X8}: '{node.VR} {node.Value}' became '{mine?.VR} {mine?.Value}'");
            }
        }
    }

    private static void Compare(List<DcmdumpNode> original, List<DcmdumpNode> ours, string path, List<string> problems)
    {
        if (original.Count != ours.Count)
        {
            problems.Add($"{path}: {original.Count} element(s), ours {ours.Count}");
            return;
        }

        for (int i = 0; i < original.Count; i++)
        {
            DcmdumpNode a = original[i];
            DcmdumpNode b = ours[i];
            string where = $"{path}({a.Tag >> 16:X4},{a.Tag & 0xFFFF:X4})";
            bool groupLength = (a.Tag & 0xFFFF) == 0;
            // PS3.5 §6.2.2: explicit VR bytes that are no VR ("??" in dcmdump) are read, and so written, as UN.
            bool sameVR = a.VR == b.VR || (a.VR == "??" && b.VR == "UN");
            if (a.Tag != b.Tag || !sameVR || (!groupLength && a.Value != b.Value) || a.PixelItems != b.PixelItems || a.Items.Count != b.Items.Count)
            {
                problems.Add($"{where}: '{a.VR} {Short(a.Value)}' ({a.Items.Count} items) became '{b.VR} {Short(b.Value)}' ({b.Items.Count} items)");
                continue;
            }

            for (int item = 0; item < a.Items.Count; item++)
            {
                Compare(a.Items[item], b.Items[item], $"{where}[{item}]", problems);
            }
        }
    }

    private static void CompareDatasets(DicomDataset original, DicomDataset back, bool compareVR, bool implicitTarget, string path, List<string> problems)
    {
        var a = original.ToList();
        var b = back.ToList();
        if (a.Count != b.Count)
        {
            problems.Add($"{path}: {a.Count} element(s), read back {b.Count}");
            return;
        }

        for (int i = 0; i < a.Count; i++)
        {
            string where = $"{path}{a[i].Tag}";
            if (a[i].Tag != b[i].Tag || (compareVR && a[i].VR != b[i].VR && b[i].VR != DicomVR.UN))
            {
                problems.Add($"{where}: {a[i].VR} became {b[i].Tag} {b[i].VR}");
                continue;
            }

            if (a[i] is DicomSequence sa && b[i] is DicomSequence sb)
            {
                if (sa.Items.Count != sb.Items.Count)
                {
                    problems.Add($"{where}: {sa.Items.Count} items became {sb.Items.Count}");
                    continue;
                }

                for (int item = 0; item < sa.Items.Count; item++)
                {
                    CompareDatasets(sa.Items[item], sb.Items[item], compareVR, implicitTarget, $"{where}[{item}]", problems);
                }

                continue;
            }

            if (a[i] is DicomSequence && implicitTarget && b[i].VR == DicomVR.UN)
            {
                // Implicit VR carries no VR: a private sequence of defined length that the dictionary does not know
                // reads back as UN bytes (PS3.5 §7.1.3). A known limit of converting to implicit VR.
                continue;
            }

            if (a[i].Tag.IsGroupLength)
            {
                continue; // recomputed for the new encoding (PS3.5 §7.2)
            }

            byte[] expected = LittleEndian(a[i]);
            byte[] actual = LittleEndian(b[i]);
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                problems.Add($"{where} {a[i].VR}: value differs after conversion ({expected.Length} vs {actual.Length} bytes)");
            }
        }
    }

    /// <summary>The value as little endian bytes, padded to even length, for comparison across byte orders.</summary>
    private static byte[] LittleEndian(DicomElement element)
    {
        byte[] value = [.. element.Value.Span, .. element.Length % 2 == 1 ? new[] { element.VR.PaddingByte } : []];
        int size = element.VR.Code switch
        {
            "AT" or "OW" => 2,
            "OF" or "OL" => 4,
            "OD" or "OV" => 8,
            _ => element.VR.Kind == DicomVRKind.Number ? element.VR.ValueSize : 1,
        };
        if (element.IsBigEndian && size > 1)
        {
            for (int at = 0; at + size <= value.Length; at += size)
            {
                value.AsSpan(at, size).Reverse();
            }
        }

        return value;
    }

    private static string Short(string s) => s.Length <= 60 ? s : s[..60] + "...";
}
