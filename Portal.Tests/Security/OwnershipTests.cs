using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Features.Links;
using Portal.Features.MiniProgramCodes;
using Portal.Features.WeChat;
using Portal.Tests.Features.WeChat;
using Portal.Tests.TestInfrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Portal.Tests.Security;

/// <summary>
/// Two users, A and B, each with a token, a registered mini-program, links, a code, a WeChat session and ledger
/// entries — created once through the real API against a WeChat stub and shared by <see cref="OwnershipTests"/>.
/// </summary>
public sealed class OwnersFixture : IAsyncLifetime
{
    /// <summary>Funding of each user, in fen.</summary>
    public const long Funding = 10_000;

    /// <summary>The WeChat stub.</summary>
    public WireMockServer Stub { get; } = WireMockServer.Start();

    /// <summary>The app under test.</summary>
    public PortalFactory Factory { get; } = new();

    /// <summary>User A (the victim) and everything A owns.</summary>
    public Owner A { get; private set; } = null!;

    /// <summary>User B (the attacker) and everything B owns.</summary>
    public Owner B { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost())
            .RespondWith(Response.Create().WithBodyAsJson(new { access_token = "OWNERS_STUB_TOKEN", expires_in = 7200 }));
        Stub.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).UsingGet())
            .RespondWith(Response.Create().WithBodyAsJson(new { openid = "OPENID-OF-A-OR-B", session_key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), unionid = "UNION" }));
        Stub.Given(Request.Create().UsingPost().WithPath("/wxa/getwxacodeunlimit", "/wxa/getwxacode", "/cgi-bin/wxaapp/createwxaqrcode"))
            .RespondWith(Response.Create().WithHeader("Content-Type", "image/png").WithBody(WeChatStub.Png));
        Factory.Settings["WeChat:ApiBaseUrl"] = Stub.Url;
        Factory.Settings["WeChat:BusyRetryDelay"] = "00:00:00";
        A = await CreateOwnerAsync("a");
        B = await CreateOwnerAsync("b");
    }

    private async Task<Owner> CreateOwnerAsync(string scene)
    {
        var user = await Factory.CreateUserAsync(Funding);
        var issued = await Factory.Services.GetRequiredService<ApiTokenService>().IssueAsync(user.Id, "owner", null);
        var (app, secret) = await Factory.RegisterAppAsync(user);
        var client = Factory.ApiClient(issued.Secret);

        var shortLink = await client.PostJsonAsync("/generate-shortlink", new { longUrl = $"https://example.com/{scene}" });
        Assert.Equal(200, shortLink.Status);
        var mpLink = await client.PostJsonAsync("/generate-miniprogram-link", new { appid = app.AppId, pagepath = "pages/index/index?from=" + scene });
        Assert.Equal(200, mpLink.Status);
        var code = await client.PostJsonAsync("/generate-qr", new { appid = app.AppId, pagepath = "pages/index/index", type = "wxcode_b", scene });
        Assert.Equal(200, code.Status);
        var session = await client.GetAsync($"/wx/mini/v1/{app.AppId}/{secret}/code2Session?code=login{scene}");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var sessionToken = (await session.ReadJsonAsync()).GetProperty("data").GetString()!;

        var qrUrl = code.Body.GetProperty("qrcode_url").GetString()!;
        return new Owner(user, issued.Token.Id, issued.Secret, app, secret, client,
            shortLink.Body.GetProperty("short_url").GetString()!, mpLink.Body.GetProperty("miniprogram_link").GetString()!,
            qrUrl[(qrUrl.LastIndexOf('/') + 1)..], sessionToken);
    }

    public ValueTask DisposeAsync()
    {
        Factory.Dispose();
        Stub.Stop();
        Stub.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A user and their objects.</summary>
public sealed record Owner(TestUser User, Guid TokenId, string Token, MiniProgramApp App, string Secret, HttpClient Client,
    string ShortUrl, string MiniProgramLink, string CodePublicId, string SessionToken);

/// <summary>
/// OWASP API1 (BOLA): B can never read, use or change A's tokens, mini-programs, links, codes, sessions
/// or ledger — through any API route or any service a portal page calls. The API answers as if the object did not exist.
/// </summary>
public sealed class OwnershipTests(OwnersFixture fx) : IClassFixture<OwnersFixture>
{
    private Owner A => fx.A;
    private Owner B => fx.B;

    private T Service<T>() where T : notnull => fx.Factory.Services.GetRequiredService<T>();

    /// <summary>Runs <paramref name="attack"/> and asserts nobody's money moved and WeChat was not called.</summary>
    private async Task NothingHappensAsync(Func<Task> attack)
    {
        fx.Stub.ResetLogEntries();
        var a = await fx.Factory.MoneyOfAsync(A.User.Id);
        var b = await fx.Factory.MoneyOfAsync(B.User.Id);
        await attack();
        Assert.Equal(a, await fx.Factory.MoneyOfAsync(A.User.Id));
        Assert.Equal(b, await fx.Factory.MoneyOfAsync(B.User.Id));
        Assert.Empty(fx.Stub.LogEntries);
        await fx.Factory.AssertLedgerInvariantsAsync();
    }

    private static async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpMethod method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.ReadJsonAsync(), response);
    }

    private static void IsWxMiniError(int status, int code, (int Status, JsonElement Body, HttpResponseMessage _) r)
    {
        Assert.True(status == r.Status, $"expected {status}, got {r.Status}: {r.Body}");
        Assert.Equal(code, r.Body.GetProperty("code").GetInt32());
        Assert.False(r.Body.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task GenerateQr_OthersAppId_400AsIfUnregistered()
    {
        await NothingHappensAsync(async () =>
        {
            var theirs = await SendAsync(B.Client, HttpMethod.Post, "/generate-qr", new { appid = A.App.AppId, pagepath = "pages/index/index", type = "wxcode" });
            var unknownAppId = WeChatStub.NewAppId();
            var unknown = await SendAsync(B.Client, HttpMethod.Post, "/generate-qr", new { appid = unknownAppId, pagepath = "pages/index/index", type = "wxcode" });

            Assert.Equal(400, theirs.Status);
            Assert.Equal(400, theirs.Body.GetProperty("code").GetInt32());
            Assert.Equal(unknown.Body.GetProperty("msg").GetString()!.Replace(unknownAppId, "?"), theirs.Body.GetProperty("msg").GetString()!.Replace(A.App.AppId, "?"));
            Assert.Equal(unknown.Status, theirs.Status);
        });
    }

    [Theory]
    [InlineData("/api/h5/qrcode/generate")]
    [InlineData("/api/h5/qrcode/generate-base64")]
    public async Task H5Generate_OthersAppId_400AsIfUnregistered(string path)
    {
        await NothingHappensAsync(async () =>
        {
            var theirs = await SendAsync(B.Client, HttpMethod.Post, path, new { scene = "x=1", appid = A.App.AppId });
            var unknownAppId = WeChatStub.NewAppId();
            var unknown = await SendAsync(B.Client, HttpMethod.Post, path, new { scene = "x=1", appid = unknownAppId });

            Assert.Equal(400, theirs.Status);
            Assert.False(theirs.Body.GetProperty("success").GetBoolean());
            Assert.Equal(400, theirs.Body.GetProperty("code").GetInt32());
            Assert.Equal(unknown.Body.GetProperty("message").GetString()!.Replace(unknownAppId, "?"), theirs.Body.GetProperty("message").GetString()!.Replace(A.App.AppId, "?"));
            Assert.DoesNotContain("image", theirs.Response.Content.Headers.ContentType?.MediaType ?? "");
        });
    }

    [Fact]
    public async Task WxMiniRoutes_OthersAppIdEvenWithItsSecret_40013()
    {
        var baseUrl = $"/wx/mini/v1/{A.App.AppId}";
        await NothingHappensAsync(async () =>
        {
            IsWxMiniError(403, 40013, await SendAsync(B.Client, HttpMethod.Get, $"{baseUrl}/{A.Secret}/code2Session?code=stolen"));
            IsWxMiniError(403, 40013, await SendAsync(B.Client, HttpMethod.Get, $"{baseUrl}/{A.Secret}/access_token"));
            IsWxMiniError(403, 40013, await SendAsync(B.Client, HttpMethod.Get, $"{baseUrl}/openId?token={A.SessionToken}"));
            IsWxMiniError(403, 40013, await SendAsync(B.Client, HttpMethod.Get, $"{baseUrl}/unionId?token={A.SessionToken}"));
            IsWxMiniError(403, 40013, await SendAsync(B.Client, HttpMethod.Get, $"{baseUrl}/decode?sessionkey={A.SessionToken}&encryptedData=AAAA&iv=AAAAAAAAAAAAAAAAAAAAAA%3D%3D"));
            IsWxMiniError(403, 40013, await SendAsync(B.Client, HttpMethod.Post, $"{baseUrl}/{A.Secret}/qrcode/unlimited", new { scene = "x=1" }));
        });
    }

    [Fact]
    public async Task WxMiniSessionRoutes_OthersSessionTokenOnOwnApp_1000()
    {
        var baseUrl = $"/wx/mini/v1/{B.App.AppId}";
        var token = Uri.EscapeDataString(A.SessionToken);
        await NothingHappensAsync(async () =>
        {
            IsWxMiniError(401, 1000, await SendAsync(B.Client, HttpMethod.Get, $"{baseUrl}/openId?token={token}"));
            IsWxMiniError(401, 1000, await SendAsync(B.Client, HttpMethod.Get, $"{baseUrl}/unionId?token={token}"));
            IsWxMiniError(401, 1000, await SendAsync(B.Client, HttpMethod.Get, $"{baseUrl}/decode?sessionkey={token}&encryptedData=AAAA&iv=AAAAAAAAAAAAAAAAAAAAAA%3D%3D"));
        });
        // The session itself still works for its owner.
        var own = await SendAsync(A.Client, HttpMethod.Get, $"/wx/mini/v1/{A.App.AppId}/openId?token={token}");
        Assert.Equal(200, own.Status);
        Assert.Equal("OPENID-OF-A-OR-B", own.Body.GetProperty("data").GetString());
    }

    [Fact]
    public async Task DecodeLink_OthersMiniProgramLink_404AsIfUnknownAndNotBilled()
    {
        await NothingHappensAsync(async () =>
        {
            var theirs = await SendAsync(B.Client, HttpMethod.Post, "/decode-link", new { link = A.MiniProgramLink });
            var unknown = await SendAsync(B.Client, HttpMethod.Post, "/decode-link", new { link = "mp://" + new string('Z', A.MiniProgramLink.Length - 5) });

            Assert.Equal(404, theirs.Status);
            Assert.Equal(unknown.Body.GetProperty("msg").GetString(), theirs.Body.GetProperty("msg").GetString());
            Assert.DoesNotContain(A.App.AppId, theirs.Body.GetRawText());
        });
        var own = await SendAsync(A.Client, HttpMethod.Post, "/decode-link", new { link = A.MiniProgramLink });
        Assert.Equal(200, own.Status);
        Assert.Equal(A.App.AppId, own.Body.GetProperty("appid").GetString());
    }

    [Fact]
    public async Task IdempotencyKey_SameKeyFromAnotherToken_IsAnIndependentKeySpace()
    {
        var key = "shared-key-" + Guid.NewGuid().ToString("N");
        async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(Owner who, string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/generate-shortlink")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { longUrl = url }), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", key);
            var response = await who.Client.SendAsync(request);
            return ((int)response.StatusCode, await response.ReadJsonAsync(), response);
        }
        var bBefore = await fx.Factory.MoneyOfAsync(B.User.Id);

        var first = await PostAsync(A, "https://example.com/idem-a");
        var sameBody = await PostAsync(B, "https://example.com/idem-a");
        var otherBody = await PostAsync(B, "https://example.com/idem-b");

        Assert.Equal(200, first.Status);
        // B's first use of the key is B's own request: processed and billed, not A's stored response replayed.
        Assert.Equal(200, sameBody.Status);
        Assert.False(sameBody.Response.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(first.Body.GetProperty("short_url").GetString(), sameBody.Body.GetProperty("short_url").GetString());
        // Within B's own key space the usual rule applies: another body under the same key → 422.
        Assert.Equal(422, otherBody.Status);
        var bAfter = await fx.Factory.MoneyOfAsync(B.User.Id);
        Assert.Equal(bBefore.Entries + 1, bAfter.Entries);
        await fx.Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task CodeImage_PublicUrl_ServedToAnyoneByDesign()
    {
        // By design (docs/api.md "Public routes"): a generated code is a public image at an unguessable URL
        // (22 base62 characters ≈ 131 bits), so the owner can paste it anywhere. Possession of the URL is the access.
        var anonymous = fx.Factory.ApiClient(null);
        var asB = await B.Client.GetAsync("/codes/" + A.CodePublicId);
        var asNobody = await anonymous.GetAsync("/codes/" + A.CodePublicId);

        Assert.Equal(HttpStatusCode.OK, asB.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asNobody.StatusCode);
        Assert.True(MiniProgramCodeStore.IsPublicId(A.CodePublicId));
        // …but nothing lists it to anyone else, and a guessed id is a 404.
        var (bHistory, _) = await Service<MiniProgramCodeStore>().ListAsync(B.User.Id, 0, 100, CancellationToken.None);
        Assert.DoesNotContain(bHistory, r => r.PublicId == A.CodePublicId);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/codes/" + new string('A', MiniProgramCodeStore.PublicIdLength))).StatusCode);
    }

    [Fact]
    public async Task ApiTokens_RevokeOrListOthersToken_RefusedAndTokenStillWorks()
    {
        var tokens = Service<ApiTokenService>();

        Assert.False(await tokens.RevokeAsync(B.User.Id, A.TokenId));

        Assert.DoesNotContain(await tokens.ListAsync(B.User.Id), t => t.Id == A.TokenId);
        var aTokens = await tokens.ListAsync(A.User.Id);
        Assert.Null(Assert.Single(aTokens, t => t.Id == A.TokenId).RevokedAt);
        var stillWorks = await SendAsync(A.Client, HttpMethod.Post, "/decode-link", new { link = A.MiniProgramLink });
        Assert.Equal(200, stillWorks.Status);
    }

    [Fact]
    public async Task MiniPrograms_GetSetDefaultTestDeleteOthersApp_AsIfAbsentAndUnchanged()
    {
        var apps = Service<MiniProgramAppService>();
        fx.Stub.ResetLogEntries();

        Assert.Null(await apps.GetForUserAsync(A.App.Id, B.User.Id, isAdmin: false));
        Assert.Null(await apps.FindOwnedByAppIdAsync(B.User.Id, A.App.AppId));
        Assert.False(await apps.SetDefaultAsync(B.User.Id, A.App.Id));
        Assert.Null(await apps.TestCredentialsAsync(B.User.Id, A.App.Id));
        Assert.False(await apps.DeleteAsync(B.User.Id, A.App.Id));
        Assert.DoesNotContain(await apps.ListMineAsync(B.User.Id), a => a.Id == A.App.Id || a.AppId == A.App.AppId);

        Assert.Empty(fx.Stub.LogEntries);
        var aApps = await apps.ListMineAsync(A.User.Id);
        var aApp = Assert.Single(aApps);
        Assert.Equal(A.App.Id, aApp.Id);
        Assert.True(aApp.IsDefault);
        var bApp = Assert.Single(await apps.ListMineAsync(B.User.Id));
        Assert.True(bApp.IsDefault);
        await using var db = await fx.Factory.DbAsync();
        Assert.True(await db.WeChatSessions.AnyAsync(s => s.AppRowId == A.App.Id));
    }

    [Fact]
    public async Task MiniPrograms_RegisterSameAppIdAsAnotherUser_IsBsOwnRecordAndGainsNothingOfAs()
    {
        // Registering A's AppID under B (with some secret) creates B's own record; A's sessions, token and codes stay A's.
        var apps = Service<MiniProgramAppService>();
        var other = await fx.Factory.CreateUserAsync(100);
        var registered = await apps.RegisterAsync(other.Id, A.App.AppId, WeChatStub.NewSecret(), "copy");
        Assert.True(registered.Succeeded, registered.Error);
        var copy = (await apps.FindOwnedByAppIdAsync(other.Id, A.App.AppId))!;
        var client = fx.Factory.ApiClient(await fx.Factory.IssueTokenAsync(other));

        var openId = await SendAsync(client, HttpMethod.Get, $"/wx/mini/v1/{A.App.AppId}/openId?token={Uri.EscapeDataString(A.SessionToken)}");
        var (history, _) = await Service<MiniProgramCodeStore>().ListAsync(other.Id, 0, 100, CancellationToken.None);

        IsWxMiniError(401, 1000, openId);
        Assert.NotEqual(A.App.Id, copy.Id);
        Assert.Empty(history);
        Assert.Equal(A.App.Id, (await apps.FindOwnedByAppIdAsync(A.User.Id, A.App.AppId))!.Id);
    }

    [Fact]
    public async Task Links_ListsAndLookups_OnlyTheOwnersLinks()
    {
        var links = Service<LinkService>();

        var (bShort, _) = await links.ListShortLinksAsync(B.User.Id, 0, 100, CancellationToken.None);
        var (bMp, _) = await links.ListMiniProgramLinksAsync(B.User.Id, 0, 100, CancellationToken.None);

        Assert.DoesNotContain(bShort, l => A.ShortUrl.EndsWith("/s/" + l.Code, StringComparison.Ordinal));
        Assert.DoesNotContain(bMp, l => A.MiniProgramLink == LinkService.MiniProgramScheme + l.Code);
        Assert.All(bShort, l => Assert.DoesNotContain("/a", l.LongUrl));
        Assert.Null(await links.FindMiniProgramLinkAsync(B.User.Id, A.MiniProgramLink, CancellationToken.None));
        Assert.NotNull(await links.FindMiniProgramLinkAsync(A.User.Id, A.MiniProgramLink, CancellationToken.None));
        var (aShort, _) = await links.ListShortLinksAsync(A.User.Id, 0, 100, CancellationToken.None);
        Assert.Contains(aShort, l => A.ShortUrl.EndsWith("/s/" + l.Code, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ledger_EntriesAndCharges_OnlyTheOwnersRows()
    {
        var queries = Service<LedgerQueries>();
        await using var db = await fx.Factory.DbAsync();
        var aEntryIds = await db.LedgerEntries.Where(e => e.UserId == A.User.Id).Select(e => e.Id).ToListAsync();
        var aChargeIds = await db.Charges.Where(c => c.UserId == A.User.Id).Select(c => c.Id).ToListAsync();
        Assert.NotEmpty(aEntryIds);
        Assert.NotEmpty(aChargeIds);

        var (bEntries, bEntryTotal) = await queries.ListEntriesAsync(B.User.Id, 0, 1000);
        var (bCharges, bChargeTotal) = await queries.ListChargesAsync(B.User.Id, 0, 1000);

        Assert.DoesNotContain(bEntries, e => aEntryIds.Contains(e.Id));
        Assert.DoesNotContain(bCharges, c => aChargeIds.Contains(c.Id));
        Assert.Equal(await db.LedgerEntries.CountAsync(e => e.UserId == B.User.Id), bEntryTotal);
        Assert.Equal(await db.Charges.CountAsync(c => c.UserId == B.User.Id), bChargeTotal);
    }

    [Fact]
    public async Task Codes_HistoryAndCache_OnlyTheOwners()
    {
        var store = Service<MiniProgramCodeStore>();
        await using var db = await fx.Factory.DbAsync();
        var aImage = await db.MiniProgramCodeImages.AsNoTracking().SingleAsync(i => i.PublicId == A.CodePublicId);

        var (bHistory, _) = await store.ListAsync(B.User.Id, 0, 100, CancellationToken.None);

        Assert.DoesNotContain(bHistory, r => r.Id == aImage.Id);
        Assert.Null(await store.FindCachedAsync(B.User.Id, aImage.RequestHash, CancellationToken.None));
        Assert.NotNull(await store.FindCachedAsync(A.User.Id, aImage.RequestHash, CancellationToken.None));
    }

    [Theory]
    [InlineData("/admin/jobs")]
    [InlineData("/admin/codes/{batch}.csv")]
    public async Task AdminEndpoints_NonAdmin_RefusedWithoutContent(string pathTemplate)
    {
        var admin = await fx.Factory.CreateUserAsync(role: Roles.Admin);
        var (batch, codes) = await Service<RedemptionCodeService>().CreateBatchAsync(admin.Id, 100, 2, null);
        var path = pathTemplate.Replace("{batch}", batch.Id.ToString(), StringComparison.Ordinal);
        var browser = fx.Factory.BrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LogInAsync(B.User.Email, TestUser.Password)).StatusCode);
        var anonymous = fx.Factory.BrowserClient();

        foreach (var client in new[] { browser, anonymous, B.Client })
        {
            using var response = await client.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.Redirect or HttpStatusCode.NotFound,
                $"{path}: {(int)response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.Redirect)
                Assert.Contains("/Account/", response.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
            Assert.All(codes, c => Assert.DoesNotContain(c.Code, text));
            Assert.DoesNotContain("Hangfire", text);
        }
    }
}
