namespace Telemed.Ecg.Wfdb;

/// <summary>A WFDB file is malformed. The message names the file and the line or byte offset.</summary>
public sealed class WfdbFormatException : FormatException
{
    public WfdbFormatException(string message)
        : base(message)
    {
    }

    public WfdbFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public WfdbFormatException()
    {
    }

    public static WfdbFormatException AtLine(string file, int line, string problem) =>
        new($"{file}, line {line}: {problem}");

    public static WfdbFormatException AtOffset(string file, long offset, string problem) =>
        new($"{file}, byte offset {offset}: {problem}");
}
