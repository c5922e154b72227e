namespace Telemed.Ecg.Wfdb;

/// <summary>
/// Annotation codes of the MIT/WFDB annotation format (PhysioNet ecgcodes.h; facts, not code).
/// </summary>
public static class AnnotationCode
{
    public const int NotQrs = 0;
    public const int Normal = 1;
    public const int Pvc = 5;
    public const int Unknown = 13;
    public const int Noise = 14;
    public const int Rhythm = 28;
    public const int Note = 22;
    public const int MaxCode = 49;

    // Index = code; value = WFDB mnemonic (ecgcodes.h / annot.c).
    private static readonly string[] Mnemonics =
    [
        " ", "N", "L", "R", "a", "V", "F", "J", "A", "S", "E", "j", "/", "Q", "~", "[15]", "|", "[17]", "s", "T",
        "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u", "?", "!", "[", "]", "e", "n", "@", "x", "f", "(",
        ")", "r", "[42]", "[43]", "[44]", "[45]", "[46]", "[47]", "[48]", "[49]",
    ];

    /// <summary>
    /// Beat codes counted by ANSI/AAMI EC57 and WFDB bxb: N L R a V F J A S E j / Q B ? e n f r.
    /// </summary>
    public static bool IsBeat(int code) => code switch
    {
        >= 1 and <= 13 => true,
        25 or 30 or 34 or 35 or 38 or 41 => true,
        _ => false,
    };

    public static string Mnemonic(int code) => code >= 0 && code < Mnemonics.Length ? Mnemonics[code] : $"[{code}]";
}
