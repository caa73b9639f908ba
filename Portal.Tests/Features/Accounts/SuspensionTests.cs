using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Accounts;

/// <summary>
/// A sign-in lockout (anyone can cause it by typing wrong passwords for someone's e-mail) must not switch off that
/// user's API; only an admin's suspension does, and it also stops sign-in.
/// </summary>
public sealed class SuspensionTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    [Fact]
    public async Task SignInLockout_FiveWrongPasswords_ApiTokenStillWorks()
    {
        var user = await _factory.CreateUserAsync(balanceFen: 100);
        var token = await _factory.IssueTokenAsync(user);
        var browser = _factory.BrowserClient();

        for (var i = 0; i < 5; i++) await browser.LogInAsync(user.Email, "Wrong-Passw0rd!");
        var signIn = await browser.LogInAsync(user.Email, TestUser.Password);
        Assert.Contains("Account/Lockout", signIn.Headers.Location?.ToString());

        var (status, body) = await _factory.ApiClient(token).PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/after-lockout" });
        Assert.Equal(200, status);
        Assert.Equal("0.90", body.GetProperty("current_balance").GetString());
    }

    [Fact]
    public async Task Suspend_RefusesTokensAndSignIn_UnsuspendRestoresBoth()
    {
        var user = await _factory.CreateUserAsync(balanceFen: 100);
        var token = await _factory.IssueTokenAsync(user);
        await using (var scope = _factory.Scope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<UserSuspension>().SetSuspendedAsync(user.Id, true));

        var (status, _) = await _factory.ApiClient(token).PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/x" });
        Assert.Equal(401, status);
        var signIn = await _factory.BrowserClient().LogInAsync(user.Email, TestUser.Password);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode); // the form again, with an error: not signed in
        Assert.Null(signIn.Headers.Location);
        Assert.Equal((100, 100, 1), await _factory.MoneyOfAsync(user.Id));

        await using (var scope = _factory.Scope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<UserSuspension>().SetSuspendedAsync(user.Id, false));
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.Null((await users.FindByIdAsync(user.Id))!.SuspendedAt);
        }
        (status, _) = await _factory.ApiClient(token).PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/y" });
        Assert.Equal(200, status);
        var again = await _factory.BrowserClient().LogInAsync(user.Email, TestUser.Password);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    public void Dispose() => _factory.Dispose();
}
