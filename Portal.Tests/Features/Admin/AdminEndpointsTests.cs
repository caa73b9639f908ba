using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Admin;

public sealed class AdminEndpointsTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    [Fact]
    public async Task ExportCsv_Admin_ReturnsEveryCodeOfTheBatchMasked()
    {
        var admin = await _factory.CreateUserAsync(role: Roles.Admin);
        var (batch, codes) = await _factory.Services.GetRequiredService<RedemptionCodeService>().CreateBatchAsync(admin.Id, 250, 3, null);
        var client = _factory.BrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogInAsync(admin.Email, TestUser.Password)).StatusCode);

        var response = await client.GetAsync($"/admin/codes/{batch.Id}.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("code,amount,status,expires_at,redeemed_by,redeemed_at", lines[0]);
        // The codes themselves were offered once, at creation; later exports show them masked.
        Assert.Equal(codes.Select(c => RedemptionCodes.Mask(c.Code[^4..])).Order(), lines.Skip(1).Select(l => l.Split(',')[0]).Order());
        Assert.All(codes, c => Assert.DoesNotContain(c.Code, text));
        Assert.All(lines.Skip(1), l => Assert.Equal("2.50", l.Split(',')[1]));
    }

    [Fact]
    public async Task ExportCsv_OrdinaryUser_IsRefused()
    {
        var admin = await _factory.CreateUserAsync(role: Roles.Admin);
        var (batch, _) = await _factory.Services.GetRequiredService<RedemptionCodeService>().CreateBatchAsync(admin.Id, 250, 1, null);
        var user = await _factory.CreateUserAsync();
        var client = _factory.BrowserClient();
        await client.LogInAsync(user.Email, TestUser.Password);

        var response = await client.GetAsync($"/admin/codes/{batch.Id}.csv");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("PTL-", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ExportCsv_UnknownBatch_Returns404()
    {
        var admin = await _factory.CreateUserAsync(role: Roles.Admin);
        var client = _factory.BrowserClient();
        await client.LogInAsync(admin.Email, TestUser.Password);

        var response = await client.GetAsync($"/admin/codes/{Guid.NewGuid()}.csv");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public void Dispose() => _factory.Dispose();
}
