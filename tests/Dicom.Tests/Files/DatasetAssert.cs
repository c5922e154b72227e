using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Xunit;

namespace Telemed.Dicom.Tests.Files;

/// <summary>Element-by-element equality of two reads: tags, VRs, offsets, value bytes, items and fragments.</summary>
internal static class DatasetAssert
{
    public static void Same(DicomFile expected, DicomFile actual, string what)
    {
        Assert.True(expected.TransferSyntax.Uid == actual.TransferSyntax.Uid, $"{what}: transfer syntax {actual.TransferSyntax} instead of {expected.TransferSyntax}");
        Assert.True(expected.HasPreamble == actual.HasPreamble, $"{what}: preamble");
        Assert.True(expected.IsTransferSyntaxInferred == actual.IsTransferSyntaxInferred, $"{what}: inferred transfer syntax");
        Assert.True(expected.Preamble.Span.SequenceEqual(actual.Preamble.Span), $"{what}: preamble bytes");
        Same(expected.FileMetaInformation, actual.FileMetaInformation, $"{what} meta");
        Same(expected.Dataset, actual.Dataset, what);
    }

    public static void Same(DicomDataset expected, DicomDataset actual, string path)
    {
        Assert.True(expected.Count == actual.Count, $"{path}: {actual.Count} elements instead of {expected.Count}");
        Assert.True(expected.CharacterSet.SpecificCharacterSet == actual.CharacterSet.SpecificCharacterSet, $"{path}: character set");
        foreach ((DicomElement e, DicomElement a) in expected.Zip(actual))
        {
            string at = $"{path} {e.Tag}";
            Assert.True(e.Tag == a.Tag, $"{at}: found {a.Tag}");
            Assert.True(e.VR == a.VR, $"{at}: VR {a.VR} instead of {e.VR}");
            Assert.True(e.Offset == a.Offset, $"{at}: offset {a.Offset} instead of {e.Offset}");
            Assert.True(e.GetType() == a.GetType(), $"{at}: {a.GetType().Name} instead of {e.GetType().Name}");
            Assert.True(e.Value.Span.SequenceEqual(a.Value.Span), $"{at}: value differs");
            if (e is DicomSequence es && a is DicomSequence sa)
            {
                Assert.True(es.HasUndefinedLength == sa.HasUndefinedLength, $"{at}: length form");
                Assert.True(es.Items.Count == sa.Items.Count, $"{at}: {sa.Items.Count} items instead of {es.Items.Count}");
                for (int i = 0; i < es.Items.Count; i++)
                {
                    Same(es.Items[i], sa.Items[i], $"{at}[{i}]");
                }
            }

            if (e is DicomFragmentSequence ef && a is DicomFragmentSequence fa)
            {
                Assert.True(ef.BasicOffsetTable.Span.SequenceEqual(fa.BasicOffsetTable.Span), $"{at}: Basic Offset Table");
                Assert.True(ef.Fragments.Count == fa.Fragments.Count, $"{at}: fragment count");
                for (int i = 0; i < ef.Fragments.Count; i++)
                {
                    Assert.True(ef.Fragments[i].Span.SequenceEqual(fa.Fragments[i].Span), $"{at}: fragment {i}");
                }
            }
        }
    }
}
