namespace Telemed.Grains.Communities;

/// <summary>What a reader reads; each specialty of a community has its own routing pool.</summary>
public enum Specialty
{
    Cardiology,
    Radiology,
    Ultrasound,
    GeneralMedicine,
}
