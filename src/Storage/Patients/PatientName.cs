using System.Globalization;
using System.Text;

namespace Telemed.Storage.Patients;

/// <summary>Checks and folds DICOM PN values (PS3.5 §6.2, Table 6.2-1) so names in Latin or Chinese script can be searched.</summary>
public static class PatientName
{
    /// <summary>At most three component groups of 64 characters, each at most five components.</summary>
    public const int MaxLength = 3 * 64 + 2;

    /// <summary>Why the value is not a PN, or null when it is one.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "the patient's name is required";
        }

        if (name.Any(c => char.IsControl(c) || c == '\\'))
        {
            return "a person name holds no control characters and no backslash (PS3.5 §6.2)";
        }

        string[] groups = name.Split('=');
        if (groups.Length > 3)
        {
            return "a person name has at most three component groups: alphabetic=ideographic=phonetic";
        }

        foreach (string group in groups)
        {
            if (group.Length > 64)
            {
                return "each component group of a person name is at most 64 characters";
            }

            if (group.Split('^').Length > 5)
            {
                return "each component group has at most five components: family^given^middle^prefix^suffix";
            }
        }

        return null;
    }

    /// <summary>
    /// The name as searched: full-width forms (U+FF01–U+FF5E, as Chinese input methods type Latin letters) folded to
    /// ASCII, upper case, and without separators — so "Zhang^San", "ZHANG SAN" and "张^三" are found by "zhang san",
    /// "ｚｈａｎｇ" and "张三". Folded by hand: the hub runs with invariant globalization, where string.Normalize does
    /// not apply NFKC to non-ASCII text.
    /// </summary>
    public static string SearchKey(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var key = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            char folded = char.ToUpperInvariant(c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c);
            if (!IsSeparator(folded))
            {
                key.Append(folded);
            }
        }

        return key.ToString();
    }

    private static bool IsSeparator(char c) =>
        c is '^' or '=' or '·' or '.' or ',' or '-' or '\'' || char.GetUnicodeCategory(c) is UnicodeCategory.SpaceSeparator;
}
