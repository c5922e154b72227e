using Telemed.Ecg.Rhythm;

namespace Telemed.Ecg.Evaluation;

/// <summary>One scored window: what the reference says, and which flags the analysis raised on it.</summary>
/// <param name="Record">Record name.</param>
/// <param name="StartSeconds">Window start in the record.</param>
/// <param name="ReferenceRhythms">Reference rhythm labels (Aux of the rhythm annotations, e.g. "(N", "(AFIB") that overlap the window.</param>
/// <param name="AtrialFibrillation">Reference class for <see cref="EcgFlagKind.IrregularlyIrregular"/>.</param>
/// <param name="VentricularTachycardia">Reference class for <see cref="EcgFlagKind.WideComplexTachycardia"/>.</param>
/// <param name="Flags">Flag kinds the analysis raised.</param>
/// <param name="Withheld">Rate and rhythm flags were withheld as technically unreliable (noise, leads off).</param>
public sealed record RhythmWindow(
    string Record,
    double StartSeconds,
    IReadOnlyList<string> ReferenceRhythms,
    ReferenceClass AtrialFibrillation,
    ReferenceClass VentricularTachycardia,
    IReadOnlySet<EcgFlagKind> Flags,
    bool Withheld)
{
    /// <summary>The reference class of this window for <paramref name="kind"/> (only the AF and VT flags are scored).</summary>
    public ReferenceClass ClassFor(EcgFlagKind kind) => kind switch
    {
        EcgFlagKind.IrregularlyIrregular => AtrialFibrillation,
        EcgFlagKind.WideComplexTachycardia => VentricularTachycardia,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "only IrregularlyIrregular and WideComplexTachycardia have a reference rhythm"),
    };
}
