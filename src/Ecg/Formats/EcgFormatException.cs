namespace Telemed.Ecg.Formats;

/// <summary>
/// An ECG file is malformed or uses a feature this reader does not support. The message names the format and where in
/// the file the problem lies (section and byte offset, or XML element), so a rejected upload can be explained to the sender.
/// </summary>
public sealed class EcgFormatException : FormatException
{
    public EcgFormatException()
    {
    }

    public EcgFormatException(string message)
        : base(message)
    {
    }

    public EcgFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public EcgFormatException(EcgFileFormat format, string location, string problem, Exception? inner = null)
        : base($"{Describe(format)}: {location}: {problem}", inner)
    {
        Format = format;
        Location = location;
    }

    public EcgFileFormat Format { get; }

    /// <summary>Where the problem lies, e.g. "section 6, lead 3, byte offset 2141" or "element sequence/value".</summary>
    public string Location { get; } = "";

    internal static string Describe(EcgFileFormat format) => format switch
    {
        EcgFileFormat.ScpEcg => "SCP-ECG",
        EcgFileFormat.HL7Aecg => "HL7 aECG",
        EcgFileFormat.PhilipsXml => "Philips XML",
        EcgFileFormat.Wfdb => "WFDB",
        EcgFileFormat.Dicom => "DICOM",
        _ => "ECG file",
    };
}
