namespace Telemed.Grains.Communities;

/// <summary>A definition that clashes with what exists: an institution id already taken (here or in another community).</summary>
[GenerateSerializer]
public sealed class DefinitionConflictException : InvalidOperationException
{
    public DefinitionConflictException()
    {
    }

    public DefinitionConflictException(string message)
        : base(message)
    {
    }

    public DefinitionConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
