namespace Portal.E2E.Infrastructure;

/// <summary>
/// The seed of a randomised test (the over-spend races, the kill-under-load run). Set the environment variable
/// <see cref="Variable"/> to an integer to replay a run with the seed it printed; otherwise each run draws a new one.
/// </summary>
public static class TestSeed
{
    /// <summary>The environment variable that fixes the seed: <c>PORTAL_TEST_SEED</c>.</summary>
    public const string Variable = "PORTAL_TEST_SEED";

    /// <summary>The seed from <see cref="Variable"/> when it holds an integer, else <see cref="Environment.TickCount"/>.</summary>
    public static int Next() =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), System.Globalization.NumberStyles.Integer,
            System.Globalization.CultureInfo.InvariantCulture, out var seed) ? seed : Environment.TickCount;

    /// <summary>The line a test prints so its run can be replayed, e.g. <c>seed 1234 (replay with PORTAL_TEST_SEED=1234)</c>.</summary>
    public static string Describe(int seed) => $"seed {seed} (replay with {Variable}={seed})";
}
