namespace Telemed.ConsultHub.Api;

/// <summary>The ids admins choose for users, institutions and devices: short, and safe in URLs and logs.</summary>
internal static class Identifiers
{
    public const string Rule = "1–64 characters: letters, digits, '-', '_', '.'";

    public static bool IsValid(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
