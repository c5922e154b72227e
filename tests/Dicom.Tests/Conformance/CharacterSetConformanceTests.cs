using System.Text;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Conformance;

/// <summary>
/// Every readable corpus file that declares a Specific Character Set other than the default: all its SH, LO, ST, LT,
/// PN, UC and UT values, at every level, decode, and equal what DCMTK's dcmdump +U8 prints where DCMTK can convert the
/// file (its iconv lacks the ISO 2022 Japanese sets, so those are checked against the PS3.5 examples instead).
/// </summary>
public sealed class CharacterSetConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> FilesWithCharacterSets()
    {
        var data = new TheoryData<string>();
        foreach (CorpusFile file in TestData.CorpusFiles.Where(f => f.DcmdumpReadsIt))
        {
            if (file.RelativePath == "pydicom/test_files/dicomdirtests/DICOMDIR-nooffset")
            {
                continue;
            }

            DicomDataset dataset = DicomFile.Open(TestData.PathOf(file.RelativePath)).Dataset;
            if (dataset.CharacterSet.SpecificCharacterSet is not ("" or "ISO_IR 100"))
            {
                data.Add(file.RelativePath);
            }
        }

        return data;
    }

    [Fact]
    public void The_corpus_covers_the_chinese_sets()
    {
        var sets = ((IEnumerable<object[]>)FilesWithCharacterSets()).Select(row => DicomFile.Open(TestData.PathOf((string)row[0])).Dataset.CharacterSet.SpecificCharacterSet).ToHashSet();
        Assert.Contains("GB18030", sets);
        Assert.Contains("ISO_IR 192", sets);
        Assert.Contains("\\ISO 2022 IR 58", sets);
        Assert.Contains("\\ISO 2022 IR 149", sets);
        Assert.Contains("ISO 2022 IR 13\\ISO 2022 IR 87", sets);
    }

    [Theory]
    [MemberData(nameof(FilesWithCharacterSets))]
    public void Decodes_like_dcmdump_in_utf8(string relativePath)
    {
        string path = TestData.PathOf(relativePath);
        DicomFile file = DicomFile.Open(path);
        var ours = new List<(DicomTag Tag, string Text)>();
        Collect(file.Dataset, ours);
        Assert.True(ours.Count > 0, $"{relativePath}: no text values");

        var listing = DcmdumpListing.TryRead(path, ["+U8"], out string error);
        if (listing is null)
        {
            output.WriteLine($"{relativePath} ({file.Dataset.CharacterSet}): {ours.Count} values decoded; DCMTK cannot convert it: {error.Trim()}");
            return;
        }

        var theirs = new List<(DicomTag Tag, string Text)>();
        CollectDcmdump(listing.Value.Dataset, theirs);
        Assert.Equal(theirs.Count, ours.Count);
        for (int i = 0; i < ours.Count; i++)
        {
            Assert.Equal(theirs[i].Tag, ours[i].Tag);
            Assert.True(theirs[i].Text == ours[i].Text, $"{relativePath} {ours[i].Tag}: ours '{ours[i].Text}', dcmdump +U8 '{theirs[i].Text}'");
        }

        output.WriteLine($"{relativePath} ({file.Dataset.CharacterSet}): {ours.Count} values equal to dcmdump +U8");
    }

    private static bool Affected(string vr) => vr is "SH" or "LO" or "ST" or "LT" or "PN" or "UC" or "UT";

    private static void Collect(DicomDataset dataset, List<(DicomTag, string)> values)
    {
        foreach (DicomElement element in dataset)
        {
            if (element is DicomSequence sequence)
            {
                foreach (DicomDataset item in sequence.Items)
                {
                    Collect(item, values);
                }
            }
            else if (Affected(element.VR.Code))
            {
                values.Add((element.Tag, element.GetString(dataset.CharacterSet)));
            }
        }
    }

    private static void CollectDcmdump(List<DcmdumpNode> nodes, List<(DicomTag, string)> values)
    {
        foreach (DcmdumpNode node in nodes)
        {
            foreach (List<DcmdumpNode> item in node.Items)
            {
                CollectDcmdump(item, values);
            }

            if (node.Items.Count == 0 && Affected(node.VR) && DcmdumpListing.TextValue(node.Value) is { } text)
            {
                // +Qn printed each UTF-8 byte as &#N;, which TextValue turned into one char per byte.
                values.Add((new DicomTag(node.Tag), Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(text)).TrimEnd(' ', '\0')));
            }
        }
    }
}
