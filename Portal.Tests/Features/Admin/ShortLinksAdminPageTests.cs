using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Admin;
using Portal.Features.Links;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Admin;

public sealed class ShortLinksAdminPageTests : PortalComponentTest
{
    [Fact]
    public async Task EveryLink_ShowsTitleLimitsAndWhatItsVisitorsGet_SearchFindsTitles()
    {
        UseCulture("en");
        var owner = await Factory.CreateUserAsync();
        var now = Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var run = Guid.NewGuid().ToString("N")[..8];
        ShortLink Link(string tag, long visits = 0, long? max = null, DateTimeOffset? expires = null, string? disabledBy = null, bool deleted = false) => new()
        {
            Id = Guid.CreateVersion7(), Code = $"{tag}-{run}", UserId = owner.Id, LongUrl = $"https://example.com/{tag}", CreatedAt = now,
            Title = $"adminpage {run} {tag}", VisitCount = visits, MaxVisits = max, ExpiresAt = expires,
            DisabledAt = disabledBy is null ? null : now, DisabledByUserId = disabledBy, DeletedAt = deleted ? now : null,
        };
        await using (var db = await Factory.DbAsync())
        {
            db.ShortLinks.AddRange(
                Link("active", visits: 7, max: 100, expires: now.AddDays(3)), Link("expired", expires: now.AddMinutes(-1)),
                Link("spent", visits: 5, max: 5), Link("ownoff", disabledBy: owner.Id), Link("adminoff", disabledBy: "some-admin"),
                Link("deleted", deleted: true));
            await db.SaveChangesAsync();
        }
        await SignInAsync(role: Roles.Admin);

        var cut = RenderPage<ShortLinksAdminPage>();
        await InputAsync(cut, "[data-testid=admin-links-table] input", $"adminpage {run}");

        cut.WaitForAssertion(() => Assert.Equal(6, cut.FindAll("[data-testid=admin-link-title]").Count));
        string StateOf(string tag) => cut.FindAll("[data-testid=admin-links-table] tbody tr")
            .Single(r => r.QuerySelector("[data-testid=admin-link-title]")!.TextContent.EndsWith(" " + tag, StringComparison.Ordinal))
            .QuerySelector("[data-testid=admin-link-state]")!.TextContent.Trim();
        Assert.Equal("Active", StateOf("active"));
        Assert.Equal("Expired", StateOf("expired"));
        Assert.Equal("Visit limit reached", StateOf("spent"));
        Assert.Equal("Disabled by its owner", StateOf("ownoff"));
        Assert.Equal("Disabled by an administrator", StateOf("adminoff"));
        Assert.Equal("Deleted by its owner", StateOf("deleted"));
        Assert.Contains(cut.FindAll("[data-testid=admin-link-visits]"), v => v.TextContent.Trim() == "7 / 100");
        // A deleted link offers neither; the disabled ones offer Enable, the rest Disable.
        var actions = cut.FindAll("[data-testid=admin-links-table] tbody button").Select(b => b.TextContent.Trim()).Where(t => t is "Disable" or "Enable").ToList();
        Assert.Equal((3, 2), (actions.Count(a => a == "Disable"), actions.Count(a => a == "Enable")));
    }
}
