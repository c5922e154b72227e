using System.Globalization;
using System.Text;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Conformance;

/// <summary>
/// Reads every file of the shared corpus and compares the result with DCMTK's dcmdump: every element at every
/// nesting level must have the same tag and VR, and text and US/SS/UL/SL values must be equal. Files DCMTK rejects
/// must give a <see cref="DicomException"/>, quickly.
/// </summary>
public sealed class DcmtkConformanceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Files dcmdump reads that we reject on purpose. DICOMDIR-nooffset is cut short: its last directory record
    /// declares 248 bytes and 224 remain. DCMTK keeps the partial item; we refuse to read past a declared length.
    /// </summary>
    private static readonly string[] DeliberatelyStricter = ["pydicom/test_files/dicomdirtests/DICOMDIR-nooffset"];

    public static TheoryData<string> ReadableFiles() => Files(readable: true);

    public static TheoryData<string> BrokenFiles() => Files(readable: false);

    [Fact]
    public void Manifest_lists_the_expected_corpus()
    {
        Assert.Equal(380, TestData.CorpusFiles.Count);
        Assert.Equal(366, TestData.CorpusFiles.Count(f => f.DcmdumpReadsIt));
    }

    [Fact]
    public void Rejects_an_item_longer_than_the_file_where_dcmdump_keeps_the_partial_item()
    {
        var error = Assert.Throws<DicomException>(() => DicomFile.Open(TestData.PathOf(DeliberatelyStricter[0])));
        Assert.Equal(new DicomTag(0x0004, 0x1220), error.Tag);
        Assert.Equal(10860, error.Offset);
        Assert.Contains("item length 248 exceeds the 224 byte(s) remaining", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ReadableFiles))]
    public void Reads_like_dcmdump(string relativePath)
    {
        string path = TestData.PathOf(relativePath);
        DicomFile file = DicomFile.Open(path);
        (List<DcmdumpNode> meta, List<DcmdumpNode> dataset) = DcmdumpListing.Read(path);

        var problems = new List<string>();
        var counts = new Counts();
        Compare(file.FileMetaInformation, meta, "meta", !file.TransferSyntax.IsExplicitVR, problems, counts);
        Compare(file.Dataset, dataset, "", !file.TransferSyntax.IsExplicitVR, problems, counts);
        output.WriteLine($"{relativePath}: {counts.Elements} elements compared (tag and VR), {counts.Values} values compared, {counts.ResolvedDifferently} dictionary VRs resolved differently");
        Assert.True(counts.Elements > 0, $"{relativePath}: nothing was compared");
        Assert.True(problems.Count == 0, $"{relativePath}: {problems.Count} difference(s) from dcmdump:\n" + string.Join('\n', problems.Take(15)));
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public async Task Rejects_what_dcmdump_rejects_with_a_DicomException(string relativePath)
    {
        string path = TestData.PathOf(relativePath);
        Task<DicomFile> read = Task.Run(() => DicomFile.Open(path));
        Task finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(finished == read, $"{relativePath}: reading did not finish within 10 s");

        Exception? error = await Record.ExceptionAsync(() => read);
        DicomException dicomError = Assert.IsType<DicomException>(error);
        Assert.Contains("offset", dicomError.Message, StringComparison.Ordinal);
    }

    private static TheoryData<string> Files(bool readable)
    {
        var data = new TheoryData<string>();
        foreach (CorpusFile file in TestData.CorpusFiles.Where(f => f.DcmdumpReadsIt == readable && !DeliberatelyStricter.Contains(f.RelativePath)))
        {
            data.Add(file.RelativePath);
        }

        return data;
    }

    private static void Compare(DicomDataset ours, List<DcmdumpNode> theirs, string path, bool implicitVR, List<string> problems, Counts counts)
    {
        var elements = ours.ToList();
        if (elements.Count != theirs.Count)
        {
            problems.Add($"{path}: {elements.Count} element(s), dcmdump has {theirs.Count}: ours "
                + string.Join(' ', elements.Select(e => e.Tag)) + " / dcmdump " + string.Join(' ', theirs.Select(t => new DicomTag(t.Tag))));
            return;
        }

        for (int i = 0; i < elements.Count; i++)
        {
            CompareElement(elements[i], theirs[i], path, implicitVR, problems, counts);
        }
    }

    private static void CompareElement(DicomElement ours, DcmdumpNode theirs, string path, bool implicitVR, List<string> problems, Counts counts)
    {
        counts.Elements++;
        string where = $"{path}{ours.Tag} (dcmdump line {theirs.Line})";
        if (ours.Tag.Value != theirs.Tag)
        {
            problems.Add($"{where}: tag {ours.Tag}, dcmdump {new DicomTag(theirs.Tag)}");
            return;
        }

        if (ours.VR.Code != theirs.VR && !(theirs.VR == "up" && ours.VR == DicomVR.UL))
        {
            counts.ResolvedDifferently++;
        }

        if (!SameVR(ours, theirs.VR, implicitVR))
        {
            problems.Add($"{where}: VR {ours.VR}, dcmdump {theirs.VR}");
            return;
        }

        switch (ours)
        {
            case DicomSequence sequence:
                if (sequence.Items.Count != theirs.Items.Count)
                {
                    problems.Add($"{where}: {sequence.Items.Count} item(s), dcmdump {theirs.Items.Count}");
                    return;
                }

                for (int i = 0; i < sequence.Items.Count; i++)
                {
                    Compare(sequence.Items[i], theirs.Items[i], $"{path}{ours.Tag}[{i}]", implicitVR, problems, counts);
                }

                return;
            case DicomFragmentSequence pixels:
                if (pixels.Fragments.Count + 1 != theirs.PixelItems)
                {
                    problems.Add($"{where}: offset table + {pixels.Fragments.Count} fragment(s), dcmdump {theirs.PixelItems} item(s)");
                }

                return;
        }

        if (ours.VR == DicomVR.UN && theirs.VR != "UN")
        {
            return; // implicit VR private element that DCMTK's private dictionary knows and we do not
        }

        string? expected = ours.VR.IsText ? DcmdumpListing.TextValue(theirs.Value) : theirs.Value;
        string? actual = ValueText(ours);
        if (expected is null || actual is null || theirs.Value == "(not loaded)")
        {
            return;
        }

        if (ours.VR.IsText)
        {
            expected = expected.TrimEnd(' ', '\0');
        }
        else if (theirs.Value == "(no value available)")
        {
            expected = "";
        }

        counts.Values++;
        if (expected != actual)
        {
            problems.Add($"{where} {ours.VR}: value '{Shorten(actual)}', dcmdump '{Shorten(expected)}'");
        }
    }

    /// <summary>Our value as dcmdump prints it: text byte for byte, integers separated by backslashes; null when not compared.</summary>
    private static string? ValueText(DicomElement element)
    {
        if (element.VR.IsText)
        {
            return Encoding.Latin1.GetString(element.Value.Span).TrimEnd(' ', '\0');
        }

        Func<int, string>? value = element.VR.Code switch
        {
            "US" => i => element.GetUInt16(i).ToString(CultureInfo.InvariantCulture),
            "SS" => i => element.GetInt16(i).ToString(CultureInfo.InvariantCulture),
            "UL" => i => element.GetUInt32(i).ToString(CultureInfo.InvariantCulture),
            "SL" => i => element.GetInt32(i).ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        return value is null ? null : string.Join('\\', Enumerable.Range(0, element.ValueCount).Select(value));
    }

    private static bool SameVR(DicomElement ours, string theirs, bool implicitVR)
    {
        // "up" is DCMTK's name for a UL offset in a DICOMDIR; "??" its mark for VR bytes that are no VR, read as UN.
        if (ours.VR.Code == theirs || (theirs == "up" && ours.VR == DicomVR.UL) || (theirs == "??" && ours.VR == DicomVR.UN))
        {
            return true;
        }

        if (!implicitVR && ours.VR != DicomVR.UN)
        {
            return false;
        }

        // Implicit VR: the VR comes from a dictionary. Where PS3.6 allows several ("US or SS", "OB or OW") DCMTK
        // resolves from context (Pixel Representation, Bits Allocated) and we take the usual one; elements unknown to
        // us are UN, where DCMTK may know a private definition.
        // DCMTK prints "xs", "ox" and "lt" where it could not resolve such a VR either.
        return ours.VR == DicomVR.UN
            || (DicomDictionary.TryGetEntry(ours.Tag, out DicomDictionaryEntry entry) && entry.ValueRepresentations.Count > 1
                && (theirs is "xs" or "ox" or "lt" || entry.ValueRepresentations.Any(v => v.Code == theirs)));
    }

    private sealed class Counts
    {
        public int Elements { get; set; }

        public int Values { get; set; }

        /// <summary>Elements whose VR came from a dictionary and was resolved differently (UN vs a private definition, US vs SS, ...).</summary>
        public int ResolvedDifferently { get; set; }
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
