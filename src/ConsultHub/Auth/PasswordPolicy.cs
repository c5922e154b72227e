namespace Telemed.ConsultHub.Auth;

/// <summary>
/// Length over composition rules (NIST SP 800-63B §5.1.1.2): at least 12 characters, at most 128, not the user name;
/// lockout (<see cref="UserDirectory"/>) limits online guessing.
/// </summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 128;

    /// <summary>Why the password is refused, or null when it is acceptable.</summary>
    public static string? Check(string userId, string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
        {
            return $"a password needs at least {MinimumLength} characters";
        }

        if (password.Length > MaximumLength)
        {
            return $"a password has at most {MaximumLength} characters";
        }

        if (!string.IsNullOrEmpty(userId) && password.Contains(userId, StringComparison.OrdinalIgnoreCase))
        {
            return "a password must not contain the user name";
        }

        return password.Distinct().Count() < 4 ? "a password needs at least 4 different characters" : null;
    }

    /// <summary>A random password that passes the policy: 16 characters from an alphabet without look-alikes.</summary>
    public static string Generate()
    {
        const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return System.Security.Cryptography.RandomNumberGenerator.GetString(Alphabet, 16);
    }
}
