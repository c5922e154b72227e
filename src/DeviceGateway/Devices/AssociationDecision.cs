using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Devices;

/// <summary>A-ASSOCIATE-RJ result (PS3.8 §9.3.4, Table 9-21).</summary>
public enum RejectResult : byte
{
    Permanent = 1,
    Transient = 2,
}

/// <summary>A-ASSOCIATE-RJ source (PS3.8 Table 9-21).</summary>
public enum RejectSource : byte
{
    ServiceUser = 1,
    ServiceProviderAcse = 2,
    ServiceProviderPresentation = 3,
}

/// <summary>A-ASSOCIATE-RJ reason/diag. values (PS3.8 Table 9-21); a value's meaning depends on the source.</summary>
public static class RejectReason
{
    /// <summary>Service user: no-reason-given.</summary>
    public const byte NoReasonGiven = 1;

    /// <summary>Service user: calling-AE-title-not-recognized.</summary>
    public const byte CallingAeTitleNotRecognized = 3;

    /// <summary>Service user: called-AE-title-not-recognized.</summary>
    public const byte CalledAeTitleNotRecognized = 7;

    /// <summary>Service provider (presentation): local-limit-exceeded.</summary>
    public const byte LocalLimitExceeded = 2;
}

/// <summary>Whether a device may open an association, and if not, the rejection to send and why (for the log).</summary>
public sealed record AssociationDecision
{
    private AssociationDecision()
    {
    }

    public Device? Device { get; private init; }

    public bool Accepted => Device is not null;

    public RejectResult Result { get; private init; }

    public RejectSource Source { get; private init; }

    public byte Reason { get; private init; }

    public string Explanation { get; private init; } = string.Empty;

    public static AssociationDecision Accept(Device device) => new() { Device = device, Explanation = $"device {device.Id}" };

    public static AssociationDecision Reject(RejectResult result, RejectSource source, byte reason, string explanation) =>
        new() { Result = result, Source = source, Reason = reason, Explanation = explanation };
}
