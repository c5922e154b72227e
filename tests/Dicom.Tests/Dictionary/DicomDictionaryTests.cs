using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;
using Xunit;

namespace Telemed.Dicom.Tests.Dictionary;

public sealed class DicomDictionaryTests
{
    [Fact]
    public void Holds_every_line_of_DCMTKs_dicom_dic()
    {
        // 4919 single tags and 77 ranges in DCMTK 3.6.7's dicom.dic (PS3.6 2022b plus DICONDE and DICOS).
        Assert.Equal(4996, DicomDictionary.Count);
    }

    [Theory]
    [InlineData(0x0010, 0x0010, "PatientName", "PN", "1")]
    [InlineData(0x0008, 0x0018, "SOPInstanceUID", "UI", "1")]
    [InlineData(0x0028, 0x0010, "Rows", "US", "1")]
    [InlineData(0x0008, 0x0008, "ImageType", "CS", "2-n")]
    [InlineData(0x0020, 0x0032, "ImagePositionPatient", "DS", "3")]
    [InlineData(0x5400, 0x0100, "WaveformSequence", "SQ", "1")]
    [InlineData(0x0002, 0x0010, "TransferSyntaxUID", "UI", "1")]
    public void Finds_entries_by_tag_and_by_keyword(int group, int element, string keyword, string vr, string vm)
    {
        var tag = new DicomTag((ushort)group, (ushort)element);
        Assert.True(DicomDictionary.TryGetEntry(tag, out DicomDictionaryEntry entry));
        Assert.Equal(keyword, entry.Keyword);
        Assert.Equal(vr, entry.VR?.Code);
        Assert.Equal(vm, entry.ValueMultiplicity);
        Assert.False(entry.IsRange);

        Assert.Equal(tag, DicomDictionary.GetTag(keyword));
        Assert.Equal(keyword, DicomDictionary.GetKeyword(tag));
    }

    [Fact]
    public void Resolves_repeating_groups_to_their_masked_entry()
    {
        // PS3.6 60xx overlays: even groups 6000-601E.
        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x6002, 0x0010), out DicomDictionaryEntry overlayRows));
        Assert.Equal("OverlayRows", overlayRows.Keyword);
        Assert.Same(DicomVR.US, overlayRows.VR);
        Assert.True(overlayRows.IsRange);
        Assert.Equal(new DicomTag(0x6000, 0x0010), overlayRows.First);
        Assert.Equal(new DicomTag(0x60FF, 0x0010), overlayRows.Last);

        // An odd group in that range is private: its (gggg,0010) is a private creator (LO), not Overlay Rows.
        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x6001, 0x0010), out DicomDictionaryEntry creator));
        Assert.Equal("PrivateCreator", creator.Keyword);
        Assert.Same(DicomVR.LO, creator.VR);
    }

    [Fact]
    public void Resolves_element_ranges()
    {
        // (0020,3100-31FF) Source Image IDs, retired.
        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x0020, 0x31A4), out DicomDictionaryEntry entry));
        Assert.Equal("SourceImageIDs", entry.Keyword);
        Assert.True(entry.IsRetired);
        Assert.Same(DicomVR.CS, entry.VR);
    }

    [Fact]
    public void Knows_group_lengths_and_private_creators_of_any_group()
    {
        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x0029, 0x0000), out DicomDictionaryEntry length));
        Assert.Same(DicomVR.UL, length.VR);
        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x0029, 0x0011), out DicomDictionaryEntry creator));
        Assert.Equal("PrivateCreator", creator.Keyword);
        Assert.False(DicomDictionary.TryGetEntry(new DicomTag(0x0029, 0x1010), out _));
    }

    [Fact]
    public void Keeps_context_dependent_VRs_as_alternatives()
    {
        Assert.True(DicomDictionary.TryGetEntry(DicomTag.PixelData, out DicomDictionaryEntry pixelData));
        Assert.Null(pixelData.VR);
        Assert.Equal(["OB", "OW"], pixelData.ValueRepresentations.Select(v => v.Code));

        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x0028, 0x0106), out DicomDictionaryEntry smallest));
        Assert.Equal(["US", "SS"], smallest.ValueRepresentations.Select(v => v.Code));

        Assert.True(DicomDictionary.TryGetEntry(DicomTag.Item, out DicomDictionaryEntry item));
        Assert.Empty(item.ValueRepresentations);
    }

    [Fact]
    public void Implicit_VR_takes_the_usual_alternative_and_UN_for_unknown_tags()
    {
        Assert.Same(DicomVR.OW, DicomDictionary.ImplicitVR(DicomTag.PixelData));
        Assert.Same(DicomVR.US, DicomDictionary.ImplicitVR(new DicomTag(0x0028, 0x0106)));
        Assert.Same(DicomVR.UL, DicomDictionary.ImplicitVR(new DicomTag(0x0004, 0x1200))); // DICOMDIR offset ("up")
        Assert.Same(DicomVR.PN, DicomDictionary.ImplicitVR(new DicomTag(0x0010, 0x0010)));
        Assert.Same(DicomVR.UN, DicomDictionary.ImplicitVR(new DicomTag(0x0029, 0x1010)));
    }

    [Fact]
    public void Marks_retired_entries_and_strips_DCMTKs_prefix()
    {
        Assert.True(DicomDictionary.TryGetEntry("LengthToEnd", out DicomDictionaryEntry entry));
        Assert.Equal(new DicomTag(0x0008, 0x0001), entry.First);
        Assert.True(entry.IsRetired);
        Assert.Equal("DICOM/retired", entry.Version);
        Assert.False(DicomDictionary.TryGetEntry("RETIRED_LengthToEnd", out _));
    }

    [Fact]
    public void Unknown_keywords_are_absent()
    {
        Assert.False(DicomDictionary.TryGetEntry("NoSuchKeyword", out _));
        Assert.False(DicomDictionary.TryGetEntry("patientname", out _));
        Assert.Throws<KeyNotFoundException>(() => DicomDictionary.GetTag("NoSuchKeyword"));
        Assert.Null(DicomDictionary.GetKeyword(new DicomTag(0x0011, 0x1011)));
    }
}
