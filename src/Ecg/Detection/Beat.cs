namespace Telemed.Ecg.Detection;

/// <summary>
/// A detected QRS complex: the fiducial sample (the point of largest slope-energy across leads, near the R peak)
/// and a confidence in [0, 1] (how far the complex stood above the adaptive noise level, and in how many leads).
/// </summary>
public readonly record struct Beat(long Sample, float Confidence);
