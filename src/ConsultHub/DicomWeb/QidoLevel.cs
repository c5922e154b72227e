namespace Telemed.ConsultHub.DicomWeb;

/// <summary>The QIDO-RS query levels (PS3.18 §10.6.1): what one result describes.</summary>
internal enum QidoLevel
{
    Study,
    Series,
    Instance,
}
