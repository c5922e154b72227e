using Telemed.Dicom.Tags;
using Xunit;

namespace Telemed.Dicom.Tests.Tags;

public sealed class DicomTagTests
{
    [Theory]
    [InlineData("(0010,0010)")]
    [InlineData("0010,0010")]
    [InlineData("00100010")]
    [InlineData(" (0010,0010) ")]
    public void Parses_the_usual_notations(string text)
    {
        DicomTag tag = DicomTag.Parse(text);
        Assert.Equal((ushort)0x0010, tag.Group);
        Assert.Equal((ushort)0x0010, tag.Element);
        Assert.Equal("(0010,0010)", tag.ToString());
    }

    [Fact]
    public void Parses_hex_in_either_case()
    {
        Assert.Equal(new DicomTag(0x7FE0, 0x0010), DicomTag.Parse("(7fe0,0010)"));
        Assert.Equal(0xFFFEE0DDu, DicomTag.Parse("(FFFE,E0DD)").Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("(0010,001)")]
    [InlineData("(0010;0010)")]
    [InlineData("(001G,0010)")]
    [InlineData("0010,00100")]
    public void Rejects_malformed_text(string text)
    {
        Assert.False(DicomTag.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DicomTag.Parse(text));
    }

    [Fact]
    public void Orders_by_group_then_element()
    {
        DicomTag[] tags = [new(0x0010, 0x0020), new(0x0008, 0xFFFF), new(0x0010, 0x0010), new(0x7FE0, 0x0010), new(0x0002, 0x0010)];
        Array.Sort(tags);
        Assert.Equal(["(0002,0010)", "(0008,FFFF)", "(0010,0010)", "(0010,0020)", "(7FE0,0010)"], tags.Select(t => t.ToString()));
        Assert.True(new DicomTag(0x0008, 0xFFFF) < new DicomTag(0x0009, 0x0000));
    }

    [Theory]
    [InlineData(0x0009, 0x0010, true, true)]
    [InlineData(0x0029, 0x1010, true, false)]
    [InlineData(0x0029, 0x00FF, true, true)]
    [InlineData(0x0029, 0x0100, true, false)]
    [InlineData(0x0010, 0x0010, false, false)]
    [InlineData(0x0001, 0x0010, false, false)] // PS3.5 §7.8.1: groups 0001-0007 may not be private
    [InlineData(0x0007, 0x0010, false, false)]
    [InlineData(0xFFFF, 0x0010, false, false)]
    public void Detects_private_tags_and_private_creators(int group, int element, bool isPrivate, bool isCreator)
    {
        var tag = new DicomTag((ushort)group, (ushort)element);
        Assert.Equal(isPrivate, tag.IsPrivate);
        Assert.Equal(isCreator, tag.IsPrivateCreator);
    }

    [Fact]
    public void Knows_group_lengths_and_delimiters()
    {
        Assert.True(new DicomTag(0x0008, 0x0000).IsGroupLength);
        Assert.False(new DicomTag(0x0008, 0x0001).IsGroupLength);
        Assert.True(DicomTag.Item.IsDelimiter);
        Assert.True(DicomTag.SequenceDelimitationItem.IsDelimiter);
        Assert.False(DicomTag.PixelData.IsDelimiter);
    }
}
