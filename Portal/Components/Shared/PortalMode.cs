namespace Portal.Components.Shared;

/// <summary>
/// Which data the portal's pages show: live (the default) or test mode — the test balance, test ledger entries, test
/// calls and test tokens (docs/api.md "Test mode"). Chosen by the app bar's switch, which stores it in the
/// <see cref="CookieName"/> cookie through <c>/mode/set</c> (a full page load, like the language links), so every
/// request and circuit of the browser reads the same choice.
/// </summary>
public sealed class PortalMode
{
    /// <summary>The cookie holding the choice: <c>test</c>, or absent for live.</summary>
    public const string CookieName = "Portal.Mode";

    private readonly IHttpContextAccessor? _http;
    private bool? _test;

    /// <summary>Reads the choice from the current request's cookie on first use.</summary>
    public PortalMode(IHttpContextAccessor http) => _http = http;

    /// <summary>A fixed choice (component tests).</summary>
    public PortalMode(bool test) => _test = test;

    /// <summary>True when the pages show test-mode data.</summary>
    public bool IsTest => _test ??= _http?.HttpContext?.Request.Cookies[CookieName] == "test";

    /// <summary>The <c>/mode/set</c> address that switches to <paramref name="test"/> and returns to <paramref name="returnPath"/> (site-relative).</summary>
    public static string SetUrl(bool test, string returnPath) =>
        $"mode/set?mode={(test ? "test" : "live")}&redirectUri={Uri.EscapeDataString(returnPath)}";
}
