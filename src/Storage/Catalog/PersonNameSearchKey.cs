using System.Globalization;
using System.Text;

namespace Telemed.Storage.Catalog;

/// <summary>
/// The folded form of a DICOM person name (PS3.5 §6.2.1) that QIDO wildcard matching runs against in SQL: the whole
/// value and each component group (alphabetic, ideographic, phonetic) upper-cased, trailing empty components dropped,
/// each between bars — <c>|WANG^WU=王^五|WANG^WU|王^五|王五|</c>. A group with characters beyond ASCII is also kept
/// without its carets, so 王五 finds 王^五 as people type it. A query "WANG*" is then the SQL pattern <c>%|WANG%</c>.
/// </summary>
public static class PersonNameSearchKey
{
    /// <summary>Within a PostgreSQL B-tree entry (≈ 2,700 bytes) even in 4-byte UTF-8, since the key is in IX_instances_qido_order.</summary>
    public const int MaxLength = 512;

    /// <summary>Separates the folded forms; never part of a name (it is not in any DICOM PN character repertoire we accept).</summary>
    public const char Separator = '|';

    public static string? From(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var forms = new List<string>();
        string whole = Fold(name);
        forms.Add(whole);
        foreach (string group in whole.Split('='))
        {
            string trimmed = group.TrimEnd('^').Trim();
            if (trimmed.Length > 0 && !forms.Contains(trimmed))
            {
                forms.Add(trimmed);
            }

            string joined = trimmed.Replace("^", "", StringComparison.Ordinal);
            if (trimmed.Any(c => c > 0x7F) && !forms.Contains(joined))
            {
                forms.Add(joined);
            }
        }

        var key = new StringBuilder().Append(Separator);
        foreach (string form in forms)
        {
            if (key.Length + form.Length + 1 > MaxLength)
            {
                continue; // an over-long whole value still leaves its groups searchable
            }

            key.Append(form).Append(Separator);
        }

        return key.ToString();
    }

    /// <summary>Upper case without culture (PS3.18 §8.3.4.6: PN matching is case-insensitive), separators removed.</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToUpper(CultureInfo.InvariantCulture).Replace(Separator.ToString(), "", StringComparison.Ordinal);
    }
}
