using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Accounts;

/// <summary>
/// The Identity account pages speak the UI's language: on the Chinese (default) UI no English words remain in what a
/// visitor reads (text, titles, labels, alt and aria texts); on the English UI no Chinese does. Identity's own error
/// messages follow the language too, and registration shows each error once.
/// </summary>
public sealed partial class AccountPagesLanguageTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    /// <summary>Words that are names, not English: the product, the authenticator apps it suggests, the language link.</summary>
    private static readonly HashSet<string> Names = ["Portal", "Microsoft", "Google", "Authenticator", "English", "Cookie"];

    private static readonly string[] SignedOutPages =
    [
        "/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/Account/ResendEmailConfirmation",
        "/Account/Lockout", "/Account/RegisterConfirmation", "/Account/ForgotPasswordConfirmation",
        "/Account/ResetPasswordConfirmation", "/Account/InvalidPasswordReset", "/Account/InvalidUser",
    ];

    private static readonly string[] SignedInPages =
    [
        "/Account/Manage", "/Account/Manage/Email", "/Account/Manage/ChangePassword",
        "/Account/Manage/TwoFactorAuthentication", "/Account/Manage/EnableAuthenticator", "/Account/Manage/Passkeys",
        "/Account/Manage/PersonalData", "/Account/Manage/DeletePersonalData", "/Account/Manage/ResetAuthenticator",
        "/Account/AccessDenied",
    ];

    private static readonly string[] TwoFactorPages = ["/Account/Manage/GenerateRecoveryCodes", "/Account/Manage/Disable2fa"];

    [Fact]
    public async Task ChineseUi_AccountPages_HaveNoEnglishWords()
    {
        var problems = new List<string>();
        var anonymous = _factory.BrowserClient();
        foreach (var path in SignedOutPages)
            problems.AddRange(EnglishWords(path, await GetAsync(anonymous, path, "zh-CN")));

        var user = await _factory.CreateUserAsync();
        var signedIn = _factory.BrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.LogInAsync(user.Email, TestUser.Password)).StatusCode);
        foreach (var path in SignedInPages)
            problems.AddRange(EnglishWords(path, await GetAsync(signedIn, path, "zh-CN")));

        // With an authenticator: the two-factor sign-in step and the pages that need two-factor on.
        var enrolled = await _factory.CreateUserAsync();
        await EnableTwoFactorAsync(enrolled);
        var twoFactor = _factory.BrowserClient();
        var step = await twoFactor.LogInAsync(enrolled.Email, TestUser.Password);
        Assert.Contains("Account/LoginWith2fa", step.Headers.Location?.ToString());
        problems.AddRange(EnglishWords("/Account/LoginWith2fa", await GetAsync(twoFactor, step.Headers.Location!.ToString(), "zh-CN")));
        problems.AddRange(EnglishWords("/Account/LoginWithRecoveryCode", await GetAsync(twoFactor, "/Account/LoginWithRecoveryCode", "zh-CN")));
        var enrolledSignedIn = _factory.BrowserClient();
        await SignInWithTwoFactorAsync(enrolledSignedIn, enrolled);
        foreach (var path in TwoFactorPages)
            problems.AddRange(EnglishWords(path, await GetAsync(enrolledSignedIn, path, "zh-CN")));

        Assert.True(problems.Count == 0, "English on the Chinese UI:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task EnglishUi_AccountPages_HaveNoChinese()
    {
        var anonymous = _factory.BrowserClient();
        var user = await _factory.CreateUserAsync();
        var signedIn = _factory.BrowserClient();
        await signedIn.LogInAsync(user.Email, TestUser.Password);

        var problems = new List<string>();
        foreach (var path in SignedOutPages)
            problems.AddRange(Chinese(path, await GetAsync(anonymous, path, "en")));
        foreach (var path in SignedInPages)
            problems.AddRange(Chinese(path, await GetAsync(signedIn, path, "en")));

        Assert.True(problems.Count == 0, "Chinese on the English UI:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [InlineData("zh-CN", "密码至少需要 10 个字符。", "密码必须包含一个数字（0–9）。")]
    [InlineData("en", "The password must be at least 10 characters long.", "The password must contain a digit (0–9).")]
    public async Task Register_WeakPassword_ShowsTheRulesUpFrontAndEachLocalizedErrorOnce(string culture, string tooShort, string needsDigit)
    {
        var client = _factory.BrowserClient();
        var form = WebUtility.HtmlDecode(await GetAsync(client, "/Account/Register", culture));
        Assert.Contains("data-testid=\"password-rules\"", form);

        var response = await client.PostFormAsync($"/Account/Register?culture={culture}&ui-culture={culture}", "register", new Dictionary<string, string>
        {
            ["Input.Email"] = $"weak-{Guid.NewGuid():N}@example.com", ["Input.Password"] = "abcdefgh", ["Input.ConfirmPassword"] = "abcdefgh",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the form again, no account
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, Occurrences(html, tooShort));
        Assert.Equal(1, Occurrences(html, needsDigit));
        Assert.DoesNotContain("Passwords must", html); // Identity's built-in English
    }

    private static async Task<string> GetAsync(HttpClient client, string path, string culture)
    {
        var separator = path.Contains('?') ? '&' : '?';
        var response = await client.GetAsync($"{path}{separator}culture={culture}&ui-culture={culture}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {response.Headers.Location}");
        return await response.Content.ReadAsStringAsync();
    }

    private async Task EnableTwoFactorAsync(TestUser user)
    {
        await using var scope = _factory.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var entity = (await users.FindByIdAsync(user.Id))!;
        await users.ResetAuthenticatorKeyAsync(entity);
        await users.SetTwoFactorEnabledAsync(entity, true);
        await users.GenerateNewTwoFactorRecoveryCodesAsync(entity, 10);
    }

    private async Task SignInWithTwoFactorAsync(HttpClient client, TestUser user)
    {
        string code;
        await using (var scope = _factory.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            code = (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByIdAsync(user.Id))!, 1))!.Single();
        }
        var step = await client.LogInAsync(user.Email, TestUser.Password);
        Assert.Contains("Account/LoginWith2fa", step.Headers.Location?.ToString());
        var done = await client.PostFormAsync("/Account/LoginWithRecoveryCode", "login-with-recovery-code",
            new Dictionary<string, string> { ["Input.RecoveryCode"] = code });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.DoesNotContain("Account/", done.Headers.Location?.ToString() ?? "");
    }

    /// <summary>What a visitor reads: text nodes and the title, alt, aria-label and placeholder attributes.</summary>
    private static string ReadableText(string html)
    {
        var body = Hidden().Replace(html, " ");
        var attributes = string.Join(" ", ReadableAttribute().Matches(body).Select(m => m.Groups[2].Value));
        var text = Tag().Replace(body, " ");
        return WebUtility.HtmlDecode(text + " " + attributes);
    }

    private static IEnumerable<string> EnglishWords(string path, string html)
    {
        var text = Email().Replace(ReadableText(html), " ");
        return Word().Matches(text).Select(m => m.Value).Where(w => !Names.Contains(w)).Distinct().Select(w => $"  {path}: {w}");
    }

    private static IEnumerable<string> Chinese(string path, string html) =>
        Cjk().Matches(ReadableText(html).Replace("中文", "")).Select(m => m.Value).Distinct().Select(w => $"  {path}: {w}");

    private static int Occurrences(string text, string value) => Regex.Matches(text, Regex.Escape(value)).Count;

    /// <summary>Scripts, styles, comments, the authenticator key and the reconnect dialog (Blazor's own, not shown on these static pages).</summary>
    [GeneratedRegex(@"<script[\s\S]*?</script>|<style[\s\S]*?</style>|<!--[\s\S]*?-->|<kbd[\s\S]*?</kbd>|<dialog[\s\S]*?</dialog>|<div id=""blazor-error-ui""[\s\S]*?</div>", RegexOptions.IgnoreCase)]
    private static partial Regex Hidden();

    [GeneratedRegex(@"\b(title|alt|aria-label|placeholder)=""([^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex ReadableAttribute();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[\w.+-]+@[\w.-]+")]
    private static partial Regex Email();

    [GeneratedRegex(@"[A-Za-z]{2,}")]
    private static partial Regex Word();

    [GeneratedRegex(@"[\u3400-\u9FFF]+")]
    private static partial Regex Cjk();

    public void Dispose() => _factory.Dispose();
}
