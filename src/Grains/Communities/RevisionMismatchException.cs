namespace Telemed.Grains.Communities;

/// <summary>
/// A change named a revision that is no longer the current one: someone else changed the value in between. The grain
/// checks inside the call that changes it, so two admins cannot both pass the check and overwrite each other.
/// </summary>
[GenerateSerializer]
public sealed class RevisionMismatchException : InvalidOperationException
{
    public RevisionMismatchException()
    {
    }

    public RevisionMismatchException(string message)
        : base(message)
    {
    }

    public RevisionMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
