using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Accounts;

/// <summary>With the default <c>Portal:RequireAdminTwoFactor=true</c>, admin surfaces open only after TOTP enrolment.</summary>
public sealed class AdminTwoFactorTests : IDisposable
{
    private readonly PortalFactory _factory = new() { Settings = { ["Portal:RequireAdminTwoFactor"] = "true" } };

    [Fact]
    public async Task AdminWithoutAuthenticator_AdminSurfacesClosed_AfterEnrolmentOpen()
    {
        var admin = await _factory.CreateUserAsync(role: Roles.Admin);
        var (batch, _) = await _factory.Services.GetRequiredService<RedemptionCodeService>().CreateBatchAsync(admin.Id, 100, 1, null);
        var client = _factory.BrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogInAsync(admin.Email, TestUser.Password)).StatusCode);

        var csvBefore = await client.GetAsync($"/admin/codes/{batch.Id}.csv");
        var jobsBefore = await client.GetAsync("/admin/jobs");
        var usersResponse = await client.GetAsync("/admin/users");
        Assert.Equal(HttpStatusCode.Redirect, usersResponse.StatusCode);
        Assert.Contains("/Account/AccessDenied", usersResponse.Headers.Location!.ToString());
        var usersPage = await client.GetStringAsync(usersResponse.Headers.Location);

        Assert.NotEqual(HttpStatusCode.OK, csvBefore.StatusCode);
        Assert.DoesNotContain("PTL-", await csvBefore.Content.ReadAsStringAsync());
        Assert.NotEqual(HttpStatusCode.OK, jobsBefore.StatusCode);
        Assert.Contains("admin-needs-2fa", usersPage);
        Assert.DoesNotContain("users-table", usersPage);

        await using (var scope = _factory.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByIdAsync(admin.Id))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
        }

        var csvAfter = await client.GetAsync($"/admin/codes/{batch.Id}.csv");
        Assert.Equal(HttpStatusCode.OK, csvAfter.StatusCode);
        Assert.Contains("PTL-", await csvAfter.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EnableAuthenticatorPage_ShowsQrCodeOfTheOtpAuthUri()
    {
        var admin = await _factory.CreateUserAsync(role: Roles.Admin);
        var client = _factory.BrowserClient();
        await client.LogInAsync(admin.Email, TestUser.Password);

        var html = await client.GetStringAsync("/Account/Manage/EnableAuthenticator");

        Assert.Contains("id=\"qrCode\"", html);
        Assert.Contains("data:image/png;base64,", html);
        Assert.Contains("otpauth://totp/Portal:", html);
    }

    public void Dispose() => _factory.Dispose();
}
