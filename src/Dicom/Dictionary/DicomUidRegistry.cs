namespace Telemed.Dicom.Dictionary;

/// <summary>Registered UIDs (PS3.6 Annex A): transfer syntaxes, SOP classes and others. Tables in DicomUidRegistry.Generated.cs.</summary>
public static partial class DicomUidRegistry
{
    private static readonly DicomUid?[] Cache = new DicomUid?[Values.Length];

    public static int Count => Values.Length;

    /// <summary>Looks a UID up by value; trailing NUL or space padding (PS3.5 §9.1) is ignored.</summary>
    public static bool TryGet(string? value, out DicomUid uid)
    {
        uid = null!;
        if (value is null)
        {
            return false;
        }

        int index = Array.BinarySearch(Values, value.TrimEnd('\0', ' '), StringComparer.Ordinal);
        if (index < 0)
        {
            return false;
        }

        DicomUid? cached = Volatile.Read(ref Cache[index]);
        if (cached is null)
        {
            byte flags = Flags[index];
            cached = new DicomUid(Values[index], Keywords[index], (DicomUidType)(flags & 3), (flags & 4) != 0);
            Volatile.Write(ref Cache[index], cached);
        }

        uid = cached;
        return true;
    }

    /// <summary>All registered UIDs of one type, in UID order.</summary>
    public static IEnumerable<DicomUid> OfType(DicomUidType type)
    {
        for (int i = 0; i < Values.Length; i++)
        {
            if ((DicomUidType)(Flags[i] & 3) == type && TryGet(Values[i], out DicomUid uid))
            {
                yield return uid;
            }
        }
    }
}
