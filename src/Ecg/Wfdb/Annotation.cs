namespace Telemed.Ecg.Wfdb;

/// <summary>One annotation: sample index, code, and the optional fields of the MIT format.</summary>
public readonly record struct Annotation(long Sample, int Code, int SubType = 0, int Channel = 0, int Number = 0, string? Aux = null)
{
    public bool IsBeat => AnnotationCode.IsBeat(Code);

    public string Mnemonic => AnnotationCode.Mnemonic(Code);
}
