using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>One hub for the sign-in, matrix and audit tests: starting a silo per class would cost more than the tests.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiHost>
{
    public const string Name = "api";
}
