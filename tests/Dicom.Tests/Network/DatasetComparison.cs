using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Xunit;

namespace Telemed.Dicom.Tests.Network;

/// <summary>
/// Element-wise equality of two files' data sets (group 0002 excluded), independent of the transfer syntax they were
/// written in: both are re-encoded as Implicit VR Little Endian by our writer (values swapped to little endian, VRs
/// dropped from headers) and the bytes compared, reporting the first differing tag.
/// </summary>
internal static class DatasetComparison
{
    public static void AssertSameDataSet(string expectedPath, string actualPath)
    {
        DicomFile expected = DicomFile.Open(expectedPath);
        DicomFile actual = DicomFile.Open(actualPath);
        AssertSameDataSet(expected.Dataset, actual.Dataset, $"{expectedPath} ({expected.TransferSyntax.Name}) vs {actualPath} ({actual.TransferSyntax.Name})");
    }

    public static void AssertSameDataSet(DicomDataset expected, DicomDataset actual, string what)
    {
        // (FFFC,FFFC) Data Set Trailing Padding has no meaning and DCMTK drops it when sending (PS3.10 §7.2).
        var e = expected.Where(Compared).ToList();
        var a = actual.Where(Compared).ToList();
        Assert.True(e.Count == a.Count, $"{what}: {e.Count} elements vs {a.Count}; missing {string.Join(' ', e.Select(x => x.Tag).Except(a.Select(x => x.Tag)).Take(5))}, extra {string.Join(' ', a.Select(x => x.Tag).Except(e.Select(x => x.Tag)).Take(5))}");
        for (int i = 0; i < e.Count; i++)
        {
            Assert.True(e[i].Tag == a[i].Tag, $"{what}: element {i} is {e[i].Tag} vs {a[i].Tag}");
            if (e[i] is DicomSequence es && a[i] is DicomSequence sa)
            {
                Assert.True(es.Items.Count == sa.Items.Count, $"{what}: {e[i].Tag} has {es.Items.Count} items vs {sa.Items.Count}");
                for (int item = 0; item < es.Items.Count; item++)
                {
                    AssertSameDataSet(es.Items[item], sa.Items[item], $"{what} {e[i].Tag}[{item}]");
                }

                continue;
            }

            // DCMTK knows some private dictionaries: an implicit-VR UN may come back as LO, and vice versa.
            bool text = e[i].VR.IsText || a[i].VR.IsText;
            byte[] ev = Value(e[i], expected, text);
            byte[] av = Value(a[i], actual, text);
            Assert.True(ev.AsSpan().SequenceEqual(av), $"{what}: {e[i].Tag} differs ({e[i].VR} {ev.Length} bytes vs {a[i].VR} {av.Length} bytes)");
        }
    }

    private static bool Compared(DicomElement element) => element.Tag.Group != 0x0002 && element.Tag.Value != 0xFFFC_FFFC;

    /// <summary>
    /// The element re-encoded as Implicit VR Little Endian; text values without trailing padding, which DCMTK
    /// normalises when it re-writes a data set for sending (PS3.5 §6.2: trailing spaces are not significant).
    /// </summary>
    private static byte[] Value(DicomElement element, DicomDataset owner, bool text)
    {
        if (text)
        {
            return [.. element.Value.Span.TrimEnd((byte)' ').TrimEnd((byte)0)];
        }

        return new DicomWriter(explicitVR: false, bigEndian: false).Encode(new DicomDataset([element], owner.CharacterSet));
    }
}
