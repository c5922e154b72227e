namespace Telemed.Ecg.Signals;

/// <summary>Which electrode combination a lead records. Standard 12-lead first, then common others.</summary>
public enum LeadId
{
    Unknown = 0,
    I, II, III, aVR, aVL, aVF, V1, V2, V3, V4, V5, V6,
    /// <summary>Modified limb lead II, the usual monitoring lead (MIT-BIH "MLII").</summary>
    MLII,
    /// <summary>Modified chest leads used by Holter/monitoring (MIT-BIH "V1".."V5" are modified).</summary>
    MV1, MV2, MV3, MV4, MV5, MV6,
    X, Y, Z,
}
