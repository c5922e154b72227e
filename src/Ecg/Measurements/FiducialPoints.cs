namespace Telemed.Ecg.Measurements;

/// <summary>
/// Global wave boundaries found on the median beats of all leads together, as sample indices in the
/// median-beat timeline (see <see cref="MedianBeat.FiducialIndex"/>). P onset and T end are null when
/// they could not be found (no consistent P wave; T wave too flat or lost in the next beat).
/// </summary>
public sealed record FiducialPoints(double SamplingRate, int Fiducial, int QrsOnset, int QrsOffset, int? POnset, int? TEnd)
{
    /// <summary>The J point: where the QRS complex ends and the ST segment begins.</summary>
    public int JPoint => QrsOffset;

    /// <summary>Milliseconds of <paramref name="index"/> relative to the fiducial; null stays null.</summary>
    public double? MillisecondsFromFiducial(int? index) => index is int i ? (i - Fiducial) * 1000.0 / SamplingRate : null;
}
