using Telemed.Dicom.Data;
using Xunit;

namespace Telemed.Dicom.Tests.Data;

public sealed class DicomPersonNameTests
{
    [Fact]
    public void Splits_components_on_caret()
    {
        DicomPersonName name = DicomPersonName.Parse("Adams^John Robert Quincy^^Rev.^B.A. M.Div.");
        Assert.Equal("Adams", name.FamilyName);
        Assert.Equal("John Robert Quincy", name.GivenName);
        Assert.Equal("", name.MiddleName);
        Assert.Equal("Rev.", name.Prefix);
        Assert.Equal("B.A. M.Div.", name.Suffix);
        Assert.Single(name.ComponentGroups);
    }

    [Fact]
    public void Splits_component_groups_on_equals()
    {
        DicomPersonName name = DicomPersonName.Parse("Wang^XiaoDong=王^小東=");
        Assert.Equal("Wang", name.FamilyName);
        Assert.Equal("王^小東", name.Ideographic);
        Assert.Equal("", name.Phonetic);
        Assert.Equal("王", name.Component(1, 0));
        Assert.Equal("", name.Component(2, 4));
    }

    [Fact]
    public void Ideographic_only_names_have_an_empty_alphabetic_group()
    {
        DicomPersonName name = DicomPersonName.Parse("=王^小東");
        Assert.Equal("", name.FamilyName);
        Assert.Equal("王^小東", name.Ideographic);
        Assert.Equal("=王^小東", name.ToString());
    }

    [Fact]
    public void Missing_components_are_empty()
    {
        DicomPersonName name = DicomPersonName.Parse("Smith ");
        Assert.Equal("Smith", name.FamilyName);
        Assert.Equal("", name.GivenName);
        Assert.Equal("", name.Ideographic);
    }
}
