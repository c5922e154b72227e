namespace Telemed.Storage.Accounts;

/// <summary>What a person does in a county medical community; decides what they may see and change.</summary>
public enum UserRole
{
    VillageDoctor,
    TownshipStaff,
    Cardiologist,
    Radiologist,
    CommunityAdmin,
    Auditor,
}
