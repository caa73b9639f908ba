using Microsoft.Playwright;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (the machine cannot download browsers). One browser per test class.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian installs Chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Folder for screenshots (kept as test artifacts): <c>TestResults/e2e-artifacts</c> under the repo.</summary>
    public static string ArtifactsDir
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "Portal.sln"))) dir = Path.GetDirectoryName(dir);
            var path = Path.Combine(dir ?? Path.GetTempPath(), "TestResults", "e2e-artifacts");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium (test.sh does)");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // Short-link targets must be public names; this one reaches the local stub standing in for a web site.
                $"--host-resolver-rules=MAP {TargetHost} 127.0.0.1"],
        });
    }

    /// <summary>A host name the browser resolves to 127.0.0.1, for short-link targets served by a local stub.</summary>
    public const string TargetHost = "landing.e2e.test";

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
