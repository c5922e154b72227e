namespace Telemed.Ecg.Formats;

/// <summary>The file formats ECG carts and monitors export, as <see cref="EcgFileReader.Detect(ReadOnlySpan{byte})"/> recognises them.</summary>
public enum EcgFileFormat
{
    Unknown = 0,

    /// <summary>SCP-ECG (EN 1064 / ISO 11073-91064).</summary>
    ScpEcg,

    /// <summary>HL7 v3 annotated ECG (AnnotatedECG XML).</summary>
    HL7Aecg,

    /// <summary>Philips Sierra / PhilipsECG XML (restingecgdata).</summary>
    PhilipsXml,

    /// <summary>A WFDB header (.hea); the signal files lie beside it.</summary>
    Wfdb,

    /// <summary>A DICOM Part 10 file; read it with Telemed.Dicom's waveform reader, not here.</summary>
    Dicom,
}
