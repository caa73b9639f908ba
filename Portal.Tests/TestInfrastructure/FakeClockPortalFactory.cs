using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.TestInfrastructure;

/// <summary>A <see cref="PortalFactory"/> whose <see cref="TimeProvider"/> is a <see cref="FakeTimeProvider"/> that tests advance.</summary>
public class FakeClockPortalFactory : PortalFactory
{
    /// <summary>
    /// The app's clock; starts at the real current time (UTC) truncated to the second, so instants round-trip exactly
    /// through every provider (PostgreSQL keeps microseconds, .NET ticks are 100 ns).
    /// </summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public FakeClockPortalFactory()
    {
        TestServices.Add(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }

    /// <summary>A factory over the database <paramref name="database"/> (e.g. a restart over the same data), with a fake clock.</summary>
    internal FakeClockPortalFactory(string database, bool deleteOnDispose) : base(database, deleteOnDispose)
    {
        TestServices.Add(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }
}

/// <summary>Trait values used to select test subsets (<c>dotnet test --filter Category=Money</c>).</summary>
public static class TestCategories
{
    /// <summary>Tests of money movements and the seed-002 billed routes; test.sh runs them on PostgreSQL too.</summary>
    public const string Money = "Money";

    /// <summary>Trait key of tests that exercise one database provider's own machinery (value: the provider).</summary>
    public const string ProviderOnly = "ProviderOnly";

    /// <summary>
    /// <see cref="ProviderOnly"/> value of tests of SQLite's own machinery (its write-ahead log, checkpoints, the log's
    /// flush thread): they skip themselves on other providers, and test.sh leaves them out of its PostgreSQL leg.
    /// </summary>
    public const string Sqlite = "Sqlite";
}
