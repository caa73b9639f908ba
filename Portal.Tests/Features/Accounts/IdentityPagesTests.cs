using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Accounts;

public sealed class IdentityPagesTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    [Fact]
    public async Task Register_NewEmail_CreatesUserWithRoleAndEmptyAccount()
    {
        var email = $"new-{Guid.NewGuid():N}@example.com";
        var client = _factory.BrowserClient();

        var response = await client.PostFormAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = TestUser.Password, ["Input.ConfirmPassword"] = TestUser.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var scope = _factory.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email);
        Assert.NotNull(user);
        Assert.Equal([Roles.User], await users.GetRolesAsync(user));
        await using var db = await _factory.DbAsync();
        var account = await db.Accounts.SingleAsync(a => a.UserId == user.Id);
        Assert.Equal(0, account.BalanceFen);
        Assert.NotEqual(default, user.CreatedAt);
    }

    [Fact]
    public async Task Login_FiveWrongPasswords_LocksTheAccount()
    {
        var user = await _factory.CreateUserAsync();
        var client = _factory.BrowserClient();

        for (var i = 0; i < 5; i++) await client.LogInAsync(user.Email, "Wrong-Passw0rd!");
        var withRightPassword = await client.LogInAsync(user.Email, TestUser.Password);

        Assert.Equal(HttpStatusCode.Redirect, withRightPassword.StatusCode);
        Assert.Contains("Account/Lockout", withRightPassword.Headers.Location?.ToString());
        await using var scope = _factory.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.True(await users.IsLockedOutAsync((await users.FindByIdAsync(user.Id))!));
    }

    [Fact]
    public async Task Login_RightPassword_SignsInAndShowsBalanceShell()
    {
        var user = await _factory.CreateUserAsync(balanceFen: 1930);
        var client = _factory.BrowserClient();

        var response = await client.LogInAsync(user.Email, TestUser.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var home = await client.GetStringAsync("/?culture=en&ui-culture=en");

        Assert.Contains(user.Email, home);
        Assert.Contains("19.30", home); // "¥" is HTML-encoded in the prerendered markup
        Assert.Contains("_content/MudBlazor/MudBlazor.min", home);
        Assert.DoesNotContain("bootstrap", home);
    }

    [Fact]
    public async Task UserPage_Anonymous_RedirectsToLogin()
    {
        var client = _factory.BrowserClient();

        var response = await client.GetAsync("/tokens");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Account/Login", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task AdminPage_SignedInUserWithoutAdminRole_IsSentToAccessDenied()
    {
        var user = await _factory.CreateUserAsync();
        var client = _factory.BrowserClient();
        await client.LogInAsync(user.Email, TestUser.Password);

        var response = await client.GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Account/AccessDenied", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData("zh-CN", "邮箱", "密码")]
    [InlineData("en", "Email", "Password")]
    public async Task LoginPage_Culture_LabelsLocalizedAndStillBoundToInputs(string culture, string email, string password)
    {
        var client = _factory.BrowserClient();
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/Account/Login?culture={culture}&ui-culture={culture}"));

        Assert.Contains($"<label for=\"Input.Email\" class=\"form-label\">{email}</label>", html);
        Assert.Contains($"<label for=\"Input.Password\" class=\"form-label\">{password}</label>", html);
        Assert.Contains($"<html lang=\"{culture}\"", html);
    }

    [Fact]
    public async Task LoginPage_EnglishBrowserWithoutChoice_StillDefaultsToChinese()
    {
        var client = _factory.BrowserClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US");

        var html = await client.GetStringAsync("/Account/Login");

        Assert.Contains("<html lang=\"zh-CN\"", html);
    }

    public void Dispose() => _factory.Dispose();
}
