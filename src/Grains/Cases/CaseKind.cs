namespace Telemed.Grains.Cases;

public enum CaseKind
{
    EcgRead,
    ImagingRead,
    Consultation,
}
