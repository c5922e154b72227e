using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Storage.Tests;

public sealed class PersonNameSearchKeyTests
{
    [Theory]
    [InlineData("Wang^Wu=王^五", "|WANG^WU=王^五|WANG^WU|王^五|王五|")]
    [InlineData("o'brien^mary^^^", "|O'BRIEN^MARY^^^|O'BRIEN^MARY|")]
    [InlineData("=张^三", "|=张^三|张^三|张三|")]
    [InlineData("Li|Si", "|LISI|")]
    public void Folds_every_component_group_upper_case_between_bars(string name, string key) =>
        Assert.Equal(key, PersonNameSearchKey.From(name));

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void No_name_no_key(string? name) => Assert.Null(PersonNameSearchKey.From(name));

    [Fact]
    public void A_long_name_is_cut_at_whole_forms_within_the_maximum()
    {
        string group = string.Join('^', Enumerable.Repeat(new string('名', 50), 4));
        string key = PersonNameSearchKey.From(group + "=" + group + "=" + group)!;
        Assert.True(key.Length <= PersonNameSearchKey.MaxLength);
        Assert.Contains("|" + group + "|", key, StringComparison.Ordinal); // the whole value did not fit; the group did
        Assert.StartsWith("|", key, StringComparison.Ordinal);
        Assert.EndsWith("|", key, StringComparison.Ordinal);
    }
}
