using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Links;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Links;

public sealed class ShortLinkDisableTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _factory;

    public ShortLinkDisableTests(PortalFactory factory) => _factory = factory;

    [Fact]
    public async Task DisabledLink_VisitorsSeeNotice410AndNoVisitCounted_EnableRestoresRedirect()
    {
        var user = await _factory.CreateUserAsync(100);
        var client = _factory.ApiClient(await _factory.IssueTokenAsync(user));
        var created = await (await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/abuse" })).ReadJsonAsync();
        var code = created.GetProperty("short_url").GetString()!.Split("/s/")[1];
        var links = _factory.Services.GetRequiredService<LinkService>();
        await using var db = await _factory.DbAsync();
        var id = await db.ShortLinks.Where(l => l.Code == code).Select(l => l.Id).SingleAsync();

        Assert.True(await links.SetShortLinkDisabledAsync(id, true, "admin-1", default));
        var disabled = await client.GetAsync("/s/" + code);

        Assert.Equal(410, (int)disabled.StatusCode);
        Assert.Contains("已停用", await disabled.Content.ReadAsStringAsync());
        Assert.Null(disabled.Headers.Location);
        await using (var check = await _factory.DbAsync())
            Assert.Equal(0, await check.ShortLinks.Where(l => l.Id == id).Select(l => l.VisitCount).SingleAsync());
        var (rows, total) = await links.ListAllShortLinksAsync(code, 0, 10, default);
        Assert.Equal(1, total);
        Assert.NotNull(rows[0].DisabledAt);
        Assert.Equal(user.Email, rows[0].OwnerEmail);

        Assert.True(await links.SetShortLinkDisabledAsync(id, false, "admin-1", default));
        var enabled = await client.GetAsync("/s/" + code);
        Assert.Equal(302, (int)enabled.StatusCode);
        Assert.Equal("https://example.com/abuse", enabled.Headers.Location!.ToString());
    }

    [Fact]
    public async Task SetDisabled_UnknownId_ReturnsFalse() =>
        Assert.False(await _factory.Services.GetRequiredService<LinkService>().SetShortLinkDisabledAsync(Guid.NewGuid(), true, "admin-1", default));
}
