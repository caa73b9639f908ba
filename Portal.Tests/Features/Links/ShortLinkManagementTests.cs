using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Links;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Links;

/// <summary>
/// Short links managed by their owner over the real HTTP stack and SQLite: chosen slugs, expiry and visit limits
/// (410 pages), edits under creation's rules, disable/delete, and visit statistics that keep no address.
/// </summary>
public sealed class ShortLinkManagementTests
{
    private static async Task<(TestUser User, HttpClient Client)> CallerAsync(PortalFactory factory, long balanceFen = 100)
    {
        var user = await factory.CreateUserAsync(balanceFen);
        return (user, factory.ApiClient(await factory.IssueTokenAsync(user)));
    }

    private static HttpClient Visitor(PortalFactory factory)
    {
        var client = factory.ApiClient(null);
        return client;
    }

    [Fact]
    public async Task Seed002Request_WithoutNewFields_AnswersExactlyTheSeedBytes()
    {
        using var factory = new PortalFactory();
        var (user, client) = await CallerAsync(factory);

        var response = await client.PostAsync("/generate-shortlink",
            new StringContent("{\"longUrl\":\"https://example.com/seed\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        await using var db = await factory.DbAsync();
        var link = await db.ShortLinks.SingleAsync(l => l.UserId == user.Id);
        Assert.Matches("^[0-9A-Za-z]{7}$", link.Code);
        Assert.Null(link.Title);
        Assert.Null(link.Tags);
        Assert.Null(link.ExpiresAt);
        Assert.Null(link.MaxVisits);
        var expected = "{\"code\":200,\"msg\":\"短链生成成功，费用已扣除\",\"short_url\":\"http://localhost/s/" + link.Code + "\",\"current_balance\":\"0.90\"}";
        Assert.Equal(expected, Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Api_WithSlugTitleTagsAndLimits_StoresThemAndAnswersTheSeedShape()
    {
        using var factory = new PortalFactory();
        var (user, client) = await CallerAsync(factory);
        var expires = DateTimeOffset.UtcNow.AddDays(3);

        var response = await client.PostAsJsonAsync("/generate-shortlink", new
        {
            longUrl = "https://example.com/launch", slug = "launch-2026", title = "发布会", tags = new[] { "promo", "推广", "promo" },
            expiresAt = expires.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'"), maxVisits = 50,
        });

        var body = await response.ReadJsonAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("http://localhost/s/launch-2026", body.GetProperty("short_url").GetString());
        Assert.Equal(new[] { "code", "msg", "short_url", "current_balance" }, body.EnumerateObject().Select(p => p.Name));
        await using var db = await factory.DbAsync();
        var link = await db.ShortLinks.SingleAsync(l => l.UserId == user.Id);
        Assert.Equal(("launch-2026", "发布会", "promo,推广", 50L), (link.Code, link.Title, link.Tags, link.MaxVisits!.Value));
        Assert.Equal(expires.ToUnixTimeSeconds(), link.ExpiresAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(302, (int)(await Visitor(factory).GetAsync("/s/launch-2026")).StatusCode);
    }

    [Theory]
    [InlineData("ab", "slug 长度应为 3–32 个字符")]
    [InlineData("a-very-long-slug-that-goes-past-32", "slug 长度应为 3–32 个字符")]
    [InlineData("-lead", "slug 只能包含字母、数字、- 和 _，并以字母或数字开头")]
    [InlineData("has space", "slug 只能包含字母、数字、- 和 _，并以字母或数字开头")]
    [InlineData("中文短码", "slug 只能包含字母、数字、- 和 _，并以字母或数字开头")]
    [InlineData("API", "slug 是保留字，请换一个")]
    [InlineData("admin", "slug 是保留字，请换一个")]
    [InlineData("account", "slug 是保留字，请换一个")]
    [InlineData("healthz", "slug 是保留字，请换一个")]
    public async Task Api_BadSlug_400BeforeAnyCharge(string slug, string message)
    {
        using var factory = new PortalFactory();
        var (user, client) = await CallerAsync(factory);

        var response = await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/x", slug });

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(message, (await response.ReadJsonAsync()).GetProperty("msg").GetString());
        Assert.Equal((100, 100, 1), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task Slug_SameRulesForApiAndForm_ReservedWordsAndTakenSlugs()
    {
        foreach (var reserved in new[] { "api", "admin", "s", "m", "account", "healthz" })
        {
            Assert.NotNull(ShortLinkSlug.Validate(reserved));
            Assert.NotNull(ShortLinkFormFields.CheckSlug(reserved));
        }
        Assert.Null(ShortLinkFormFields.CheckSlug("my_Slug-1"));
        Assert.Null(ShortLinkFormFields.CheckSlug(""));

        using var factory = new PortalFactory();
        var (user, client) = await CallerAsync(factory, 100);
        var (_, other) = await CallerAsync(factory, 100);
        Assert.Equal(200, (int)(await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/1", slug = "taken" })).StatusCode);

        var second = await other.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/2", slug = "taken" });

        Assert.Equal(400, (int)second.StatusCode);
        Assert.Equal(ShortLinkSlug.TakenError, (await second.ReadJsonAsync()).GetProperty("msg").GetString());
        await using var db = await factory.DbAsync();
        Assert.Equal("https://example.com/1", (await db.ShortLinks.SingleAsync(l => l.Code == "taken")).LongUrl);
        await factory.AssertLedgerInvariantsAsync();
    }

    [Theory]
    [InlineData("{\"longUrl\":\"https://example.com/x\",\"tags\":\"a,b\"}", "参数 tags 必须是字符串数组")]
    [InlineData("{\"longUrl\":\"https://example.com/x\",\"maxVisits\":0}", "maxVisits 必须是 1 到 1000000000 之间的整数")]
    [InlineData("{\"longUrl\":\"https://example.com/x\",\"maxVisits\":\"10\"}", "maxVisits 必须是 1 到 1000000000 之间的整数")]
    [InlineData("{\"longUrl\":\"https://example.com/x\",\"expiresAt\":\"2099-01-01T00:00:00\"}", "expiresAt 必须是带时区的 ISO 8601 时间，如 2026-12-31T23:59:59+08:00")]
    [InlineData("{\"longUrl\":\"https://example.com/x\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}", "expiresAt 必须晚于当前时间")]
    [InlineData("{\"longUrl\":\"https://example.com/x\",\"title\":5}", "参数 title 必须是字符串")]
    [InlineData("{\"longUrl\":\"https://example.com/x\",\"tags\":[\"a b\"]}", "每个标签最多 24 个字符，只能包含文字、数字、- 和 _")]
    public async Task Api_BadOptionalField_400NamingItAndNoCharge(string json, string message)
    {
        using var factory = new PortalFactory();
        var (user, client) = await CallerAsync(factory);

        var response = await client.PostAsync("/generate-shortlink", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(message, (await response.ReadJsonAsync()).GetProperty("msg").GetString());
        Assert.Equal((100, 100, 1), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task Expired_Visitors410InBothLanguages_NothingCounted()
    {
        using var factory = new FakeClockPortalFactory();
        var (user, client) = await CallerAsync(factory);
        var expires = factory.Clock.GetUtcNow().AddHours(1);
        await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/sale", slug = "sale", expiresAt = expires.ToString("O") });
        var visitor = Visitor(factory);
        Assert.Equal(302, (int)(await visitor.GetAsync("/s/sale")).StatusCode);

        factory.Clock.Advance(TimeSpan.FromHours(1));
        var expired = await visitor.GetAsync("/s/sale");

        Assert.Equal(410, (int)expired.StatusCode);
        Assert.Null(expired.Headers.Location);
        var page = await expired.Content.ReadAsStringAsync();
        Assert.Contains("短链已过期", page);
        Assert.Contains("This short link has expired", page);
        await factory.FlushCountersAsync();
        await using var db = await factory.DbAsync();
        Assert.Equal(1, (await db.ShortLinks.SingleAsync(l => l.Code == "sale")).VisitCount);
    }

    [Fact]
    public async Task MaxVisits_ExactlyThatManyRedirectsThen410_AcrossACounterWrite()
    {
        using var factory = new PortalFactory { Settings = { ["Counters:FlushInterval"] = "00:10:00" } };
        var (_, client) = await CallerAsync(factory);
        await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/limited", slug = "limited", maxVisits = 5 });
        var visitor = Visitor(factory);

        var first = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => visitor.GetAsync("/s/limited")));
        await factory.FlushCountersAsync();
        var rest = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => visitor.GetAsync("/s/limited")));

        var statuses = first.Concat(rest).Select(r => (int)r.StatusCode).ToList();
        Assert.Equal(5, statuses.Count(s => s == 302));
        Assert.Equal(4, statuses.Count(s => s == 410));
        var page = await rest.First(r => (int)r.StatusCode == 410).Content.ReadAsStringAsync();
        Assert.Contains("短链访问次数已用完", page);
        Assert.Contains("maximum number of visits", page);
        await factory.FlushCountersAsync();
        await using var db = await factory.DbAsync();
        Assert.Equal(5, (await db.ShortLinks.SingleAsync(l => l.Code == "limited")).VisitCount);
    }

    [Fact]
    public async Task MaxVisits_ConcurrentFirstVisitsAndCounterWrites_NeverServeMoreThanTheMaximum()
    {
        // Entries stay cached through the test: a reload (conservative after a write) could refuse a visit early.
        using var factory = new PortalFactory { Settings = { ["Counters:FlushInterval"] = "00:10:00", ["Caching:EntryLifetime"] = "00:10:00" } };
        var (_, client) = await CallerAsync(factory);
        await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/burst", slug = "burst", maxVisits = 7 });
        var links = factory.Services.GetRequiredService<LinkService>();

        // Many cache misses at once, and counter writes racing the visits.
        var visits = Enumerable.Range(0, 40).Select(_ => Task.Run(() => links.VisitShortLinkAsync("burst", CancellationToken.None))).ToList();
        var flushes = Enumerable.Range(0, 5).Select(_ => Task.Run(factory.FlushCountersAsync)).ToList();
        var results = await Task.WhenAll(visits);
        await Task.WhenAll(flushes);
        await factory.FlushCountersAsync();

        Assert.Equal(7, results.Count(r => r!.State == ShortLinkState.Active));
        Assert.All(results.Where(r => r!.State != ShortLinkState.Active), r => Assert.Equal(ShortLinkState.Exhausted, r!.State));
        await using var db = await factory.DbAsync();
        Assert.Equal(7, (await db.ShortLinks.SingleAsync(l => l.Code == "burst")).VisitCount);
    }

    [Fact]
    public async Task Edit_SameValidationAsCreate_StoredAsValidatedAndVisitorsFollowAtOnce()
    {
        using var factory = new PortalFactory();
        var (user, client) = await CallerAsync(factory);
        await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/old", slug = "editme" });
        var commands = factory.Services.CreateScope().ServiceProvider.GetRequiredService<LinkCommands>();
        await using var db0 = await factory.DbAsync();
        var id = (await db0.ShortLinks.SingleAsync(l => l.Code == "editme")).Id;
        var visitor = Visitor(factory);
        Assert.Equal("https://example.com/old", (await visitor.GetAsync("/s/editme")).Headers.Location!.ToString());
        string[] own = ["localhost"];

        Assert.Equal("longUrl 不能指向内网、回环、链路本地、保留或组播地址",
            await commands.UpdateShortLinkAsync(user.Id, id, "http://10.0.0.1/", ShortLinkDetails.None, own, default));
        Assert.Equal("longUrl 过长（上限 2048 个字符）",
            await commands.UpdateShortLinkAsync(user.Id, id, "https://example.com/" + new string('a', 3000), ShortLinkDetails.None, own, default));
        Assert.Equal("不能为本站的网址生成短链", await commands.UpdateShortLinkAsync(user.Id, id, "http://localhost/s/x", ShortLinkDetails.None, own, default));
        Assert.Equal("tags 最多 10 个", await commands.UpdateShortLinkAsync(user.Id, id, "https://example.com/new",
            new ShortLinkDetails(Tags: Enumerable.Range(0, 11).Select(i => "t" + i).ToList()), own, default));
        var (other, _) = await CallerAsync(factory);
        Assert.Equal(LinkCommands.NotFound, await commands.UpdateShortLinkAsync(other.Id, id, "https://example.com/hijack", ShortLinkDetails.None, own, default));
        Assert.Equal("https://example.com/old", (await visitor.GetAsync("/s/editme")).Headers.Location!.ToString());

        const string newTarget = "https://bücher.example/新";
        Assert.Null(await commands.UpdateShortLinkAsync(user.Id, id, newTarget, new ShortLinkDetails(Title: "  New  ", Tags: ["x"]), own, default));

        await using var db = await factory.DbAsync();
        var link = await db.ShortLinks.SingleAsync(l => l.Id == id);
        // Stored exactly as creation would store it (punycode host, percent-encoded path).
        Assert.Equal((ShortLinkTarget.Validate(newTarget, own).Url, "New", "x", "editme"), (link.LongUrl, link.Title, link.Tags, link.Code));
        Assert.StartsWith("https://xn--bcher-kva.example/", link.LongUrl);
        Assert.Equal(link.LongUrl, (await visitor.GetAsync("/s/editme")).Headers.Location!.OriginalString);
        Assert.Equal((90, 90, 2), await factory.MoneyOfAsync(user.Id)); // editing is not billed
    }

    [Fact]
    public async Task OwnerDisableEnableDelete_410Then302Then404_MoneyRecordsKept()
    {
        using var factory = new PortalFactory();
        var (user, client) = await CallerAsync(factory);
        await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/own", slug = "own-link" });
        var links = factory.Services.GetRequiredService<LinkService>();
        await using var db0 = await factory.DbAsync();
        var id = (await db0.ShortLinks.SingleAsync(l => l.Code == "own-link")).Id;
        var visitor = Visitor(factory);
        var (stranger, _) = await CallerAsync(factory);

        Assert.False(await links.SetShortLinkDisabledByOwnerAsync(stranger.Id, id, true, default));
        Assert.False(await links.DeleteShortLinkAsync(stranger.Id, id, default));
        Assert.True(await links.SetShortLinkDisabledByOwnerAsync(user.Id, id, true, default));
        var disabled = await visitor.GetAsync("/s/own-link");
        Assert.Equal(410, (int)disabled.StatusCode);
        Assert.Contains("This short link has been disabled", await disabled.Content.ReadAsStringAsync());
        Assert.True(await links.SetShortLinkDisabledByOwnerAsync(user.Id, id, false, default));
        Assert.Equal(302, (int)(await visitor.GetAsync("/s/own-link")).StatusCode);

        // An admin's disabling is not the owner's to undo.
        Assert.True(await links.SetShortLinkDisabledAsync(id, true, "admin-1", default));
        Assert.False(await links.SetShortLinkDisabledByOwnerAsync(user.Id, id, false, default));
        Assert.True((await links.GetShortLinkAsync(user.Id, id, default))!.DisabledByAdmin);
        Assert.True(await links.SetShortLinkDisabledAsync(id, false, "admin-1", default));

        Assert.True(await links.DeleteShortLinkAsync(user.Id, id, default));

        Assert.Equal(404, (int)(await visitor.GetAsync("/s/own-link")).StatusCode);
        Assert.Equal(0, (await links.ListShortLinksAsync(user.Id, 0, 10, default)).Total);
        Assert.Null(await links.GetShortLinkAsync(user.Id, id, default));
        var again = await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/takeover", slug = "own-link" });
        Assert.Equal(400, (int)again.StatusCode);
        await using var db = await factory.DbAsync();
        Assert.Equal(1, await db.Charges.CountAsync(c => c.UserId == user.Id));
        Assert.Equal((90, 90, 2), await factory.MoneyOfAsync(user.Id));
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task Search_SlugUrlTitleTag_WithPaging()
    {
        using var factory = new PortalFactory();
        var (user, client) = await CallerAsync(factory, 1000);
        for (var i = 0; i < 5; i++)
            await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = $"https://shop.example/item/{i}", tags = new[] { "shop" } });
        await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://blog.example/post", slug = "blog-post", title = "年终总结" });
        var links = factory.Services.GetRequiredService<LinkService>();

        var (page1, total) = await links.ListShortLinksAsync(user.Id, "shop", 0, 2, default);
        var (page3, _) = await links.ListShortLinksAsync(user.Id, "shop", 4, 2, default);

        Assert.Equal(5, total);
        Assert.Equal(2, page1.Count);
        Assert.Single(page3);
        Assert.All(page1, r => Assert.Equal(new[] { "shop" }, r.Tags));
        Assert.Equal("blog-post", Assert.Single((await links.ListShortLinksAsync(user.Id, "年终", 0, 10, default)).Items).Code);
        Assert.Equal("blog-post", Assert.Single((await links.ListShortLinksAsync(user.Id, "blog-p", 0, 10, default)).Items).Code);
        Assert.Equal(1, (await links.ListShortLinksAsync(user.Id, "item/3", 0, 10, default)).Total);
        var (stranger, _) = await CallerAsync(factory);
        Assert.Equal(0, (await links.ListShortLinksAsync(stranger.Id, "shop", 0, 10, default)).Total);
    }

    [Fact]
    public async Task Stats_PerDayReferrerHostAndDevice_WrittenWithTheCounts_NoAddressStored()
    {
        using var factory = new FakeClockPortalFactory { Settings = { ["Counters:FlushInterval"] = "00:10:00" } };
        var (user, client) = await CallerAsync(factory);
        await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/stats", slug = "stats" });
        var visitor = Visitor(factory);
        async Task VisitAsync(string? referer, string? agent, string ip = "198.51.100.23")
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/s/stats");
            if (referer is not null) request.Headers.TryAddWithoutValidation("Referer", referer);
            if (agent is not null) request.Headers.TryAddWithoutValidation("User-Agent", agent);
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", ip);
            Assert.Equal(302, (int)(await visitor.SendAsync(request)).StatusCode);
        }
        const string iPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
        const string weChat = "Mozilla/5.0 (Linux; Android 14) Mobile MicroMessenger/8.0.47";

        await VisitAsync("https://news.example.com/article?id=1&user=secret", iPhone);
        await VisitAsync("https://NEWS.example.com/other", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)");
        await VisitAsync(null, weChat);
        await VisitAsync("not a url", null);
        await factory.FlushCountersAsync();
        factory.Clock.Advance(TimeSpan.FromDays(1));
        await VisitAsync("https://news.example.com/", iPhone);
        await factory.FlushCountersAsync();

        var links = factory.Services.GetRequiredService<LinkService>();
        await using var db = await factory.DbAsync();
        var link = await db.ShortLinks.SingleAsync(l => l.Code == "stats");
        var stats = (await links.GetShortLinkStatsAsync(user.Id, link.Id, 7, default))!;
        Assert.Equal(7, stats.Days.Count);
        Assert.Equal(new long[] { 0, 0, 0, 0, 0, 4, 1 }, stats.Days.Select(d => d.Visits));
        Assert.Equal(DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime), stats.Days[^1].Day);
        Assert.Equal(new (string, long)[] { ("news.example.com", 3), ("", 2) }, stats.Referrers);
        Assert.Equal(new (VisitorDevice, long)[] { (VisitorDevice.Desktop, 2), (VisitorDevice.Phone, 2), (VisitorDevice.WeChat, 1) }, stats.Devices);
        Assert.Equal(5, link.VisitCount);
        Assert.Null(await links.GetShortLinkStatsAsync((await factory.CreateUserAsync()).Id, link.Id, 7, default));

        // Nothing of the address, the path or the query of the referrer, or the user agent is stored anywhere.
        var stored = JsonSerializer.Serialize(await db.ShortLinkVisitStats.AsNoTracking().ToListAsync())
                     + JsonSerializer.Serialize(await db.ShortLinks.AsNoTracking().ToListAsync());
        Assert.DoesNotContain("198.51.100.23", stored);
        Assert.DoesNotContain("secret", stored);
        Assert.DoesNotContain("iPhone", stored);
        Assert.DoesNotContain("article", stored);
    }

    [Fact]
    public void Stats_ManyDistinctReferrers_FoldIntoOtherPastTheCap()
    {
        Assert.Equal("", ShortLinkVisitDetail.ReferrerHost(null));
        Assert.Equal("", ShortLinkVisitDetail.ReferrerHost("android-app://com.tencent.mm/"));
        Assert.Equal("xn--fsqu00a.xn--0zwm56d", ShortLinkVisitDetail.ReferrerHost("https://例子.测试/a?b=c"));
        Assert.Equal(ShortLinkVisitDetail.OtherHost, ShortLinkVisitDetail.ReferrerHost("https://" + new string('a', 60) + "." + new string('b', 60) + ".com/"));
    }

    [Fact]
    public async Task QrCode_PngAndSvgForTheOwnerOnly()
    {
        using var factory = new PortalFactory();
        var (user, client) = await CallerAsync(factory);
        await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/qr", slug = "qr-code" });
        await using var db = await factory.DbAsync();
        var id = (await db.ShortLinks.SingleAsync(l => l.Code == "qr-code")).Id;

        var (png, pngType) = ShortLinkQr.Render("http://localhost/s/qr-code", "png");
        var (svg, svgType) = ShortLinkQr.Render("http://localhost/s/qr-code", "svg");

        Assert.Equal("image/png", pngType);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal("image/svg+xml", svgType);
        Assert.Contains("<svg", Encoding.UTF8.GetString(svg));
        // The download route needs the portal sign-in: an anonymous request never gets the image.
        var anonymous = await factory.CreateClient(new() { AllowAutoRedirect = false }).GetAsync($"/links/short/{id}/qr.png");
        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
    }
}
