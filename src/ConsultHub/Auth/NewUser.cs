using Telemed.Storage.Accounts;

namespace Telemed.ConsultHub.Auth;

/// <summary>A user to create, with the password in clear (hashed before it is stored).</summary>
public sealed record NewUser(string Id, string DisplayName, UserRole Role, string CommunityId, string InstitutionId, string Password);
