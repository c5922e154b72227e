namespace Telemed.Ecg.Evaluation;

/// <summary>What the reference annotations say about one window for one flag kind.</summary>
public enum ReferenceClass
{
    /// <summary>The reference rhythm is not the one the flag looks for: a flag here is a false alarm.</summary>
    Negative,

    /// <summary>The reference rhythm is the one the flag looks for: a missing flag is a miss.</summary>
    Positive,

    /// <summary>Neither: the window straddles an episode boundary or holds a related rhythm; not scored, reported apart.</summary>
    Excluded,
}
