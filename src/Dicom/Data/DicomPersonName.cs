namespace Telemed.Dicom.Data;

/// <summary>
/// A PN value split per PS3.5 §6.2.1.1: up to three component groups (alphabetic, ideographic, phonetic) separated
/// by '=', each with up to five components (family, given, middle, prefix, suffix) separated by '^'.
/// </summary>
public sealed class DicomPersonName
{
    private DicomPersonName(IReadOnlyList<IReadOnlyList<string>> groups)
    {
        ComponentGroups = groups;
    }

    /// <summary>Alphabetic, ideographic and phonetic groups (missing trailing groups are absent), each a list of components.</summary>
    public IReadOnlyList<IReadOnlyList<string>> ComponentGroups { get; }

    public string FamilyName => Component(0, 0);

    public string GivenName => Component(0, 1);

    public string MiddleName => Component(0, 2);

    public string Prefix => Component(0, 3);

    public string Suffix => Component(0, 4);

    /// <summary>Ideographic representation (second component group), e.g. a name in Han characters.</summary>
    public string Ideographic => ComponentGroups.Count > 1 ? string.Join('^', ComponentGroups[1]) : "";

    /// <summary>Phonetic representation (third component group).</summary>
    public string Phonetic => ComponentGroups.Count > 2 ? string.Join('^', ComponentGroups[2]) : "";

    public static DicomPersonName Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string[] groups = value.TrimEnd(' ').Split('=');
        var parsed = new IReadOnlyList<string>[Math.Min(groups.Length, 3)];
        for (int g = 0; g < parsed.Length; g++)
        {
            string[] components = groups[g].Split('^');
            for (int c = 0; c < components.Length; c++)
            {
                // PS3.5 §6.2.1.1: leading and trailing spaces of components are insignificant.
                components[c] = components[c].Trim(' ');
            }

            parsed[g] = components;
        }

        return new DicomPersonName(parsed);
    }

    /// <summary>Component <paramref name="component"/> of group <paramref name="group"/>, or "" if absent.</summary>
    public string Component(int group, int component) =>
        group < ComponentGroups.Count && component < ComponentGroups[group].Count ? ComponentGroups[group][component] : "";

    public override string ToString() => string.Join('=', ComponentGroups.Select(g => string.Join('^', g)));
}
