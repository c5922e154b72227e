namespace Telemed.Dicom.Dictionary;

/// <summary>Registered UIDs (PS3.6 Annex A): transfer syntaxes, SOP classes and others. Tables in DicomUidRegistry.Generated.cs.</summary>
public static partial class DicomUidRegistry
{
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

        DicomUid? cached = Volatile.Read(ref Decoded.Uids[index]);
        if (cached is null)
        {
            byte flags = Flags[index];
            cached = new DicomUid(Values[index], Keywords[index], (DicomUidType)(flags & 3), (flags & 4) != 0);
            Volatile.Write(ref Decoded.Uids[index], cached);
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

    // A nested class, so its initializer runs after the generated tables in the other part of this partial class
    // (the order of static field initializers across partial files is not defined).
    private static class Decoded
    {
        public static readonly DicomUid?[] Uids = new DicomUid?[Values.Length];
    }
}
