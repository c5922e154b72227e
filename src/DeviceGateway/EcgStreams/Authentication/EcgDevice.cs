namespace Telemed.DeviceGateway.EcgStreams.Authentication;

/// <summary>An authenticated device and the institution its recordings belong to.</summary>
public sealed record EcgDevice(string DeviceId, string InstitutionId);
