namespace Telemed.Dicom.Tests.Conformance;

/// <summary>One element line of a dcmdump listing, with the items (or pixel fragments) nested below it.</summary>
internal sealed class DcmdumpNode(uint tag, string vr, string value, int line)
{
    public uint Tag { get; } = tag;

    public string VR { get; } = vr;

    /// <summary>The printed value: "[text]", numbers, "(no value available)", "(Sequence ...)", ...</summary>
    public string Value { get; } = value;

    public int Line { get; } = line;

    public List<List<DcmdumpNode>> Items { get; } = [];

    /// <summary>Items of a pixel sequence (offset table plus fragments).</summary>
    public int PixelItems { get; set; }
}
