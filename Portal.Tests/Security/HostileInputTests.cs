using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portal.Features.Billing;
using Portal.Features.WeChat;
using Portal.Tests.Features.WeChat;
using Portal.Tests.TestInfrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Portal.Tests.Security;

/// <summary>
/// One Portal and one funded caller (token, registered app) shared by <see cref="HostileInputTests"/>. The WeChat stub
/// answers every request (so an accidental upstream call is recorded, not a hang) and tests assert it saw none.
/// </summary>
public sealed class HostileFixture : IAsyncLifetime
{
    /// <summary>Funding of the caller, in fen.</summary>
    public const long Funding = 100_000;

    /// <summary>The WeChat stub.</summary>
    public WireMockServer Stub { get; } = WireMockServer.Start();

    /// <summary>The app under test.</summary>
    public PortalFactory Factory { get; } = new();

    /// <summary>The caller.</summary>
    public TestUser User { get; private set; } = null!;

    /// <summary>The caller's API token.</summary>
    public string Token { get; private set; } = "";

    /// <summary>The caller's registered AppID.</summary>
    public string AppId { get; private set; } = "";

    /// <summary>Its AppSecret.</summary>
    public string Secret { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        // Valid answers everywhere: a hostile request that reached WeChat would otherwise look like an upstream failure.
        Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost())
            .RespondWith(Response.Create().WithBodyAsJson(new { access_token = "HOSTILE_STUB_TOKEN", expires_in = 7200 }));
        Stub.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).UsingGet())
            .RespondWith(Response.Create().WithBodyAsJson(new { openid = "O", session_key = Convert.ToBase64String(new byte[16]) }));
        Stub.Given(Request.Create().UsingAnyMethod()).AtPriority(100)
            .RespondWith(Response.Create().WithHeader("Content-Type", "image/png").WithBody(WeChatStub.Png));
        Factory.Settings["WeChat:ApiBaseUrl"] = Stub.Url;
        Factory.Settings["WeChat:BusyRetryDelay"] = "00:00:00";
        User = await Factory.CreateUserAsync(Funding);
        Token = await Factory.IssueTokenAsync(User);
        var (app, secret) = await Factory.RegisterAppAsync(User);
        AppId = app.AppId;
        Secret = secret;
    }

    public ValueTask DisposeAsync()
    {
        Factory.Dispose();
        Stub.Stop();
        Stub.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Malformed input on every API route (seeds 000, 001, 002, 003) answers a 4xx in the route's own
/// envelope — never a 500 — without touching the balance or the ledger and without any call to WeChat.
/// </summary>
public sealed class HostileInputTests(HostileFixture fx) : IClassFixture<HostileFixture>
{
    /// <summary>The error envelope of a seed family (docs/api.md).</summary>
    public enum Family { A, B, C }

    private sealed record Field(string Name, char Kind, bool Required);

    private sealed record Route(string Name, Family Family, bool Post, Field[] Fields, Func<HostileFixture, string> Path, Func<HostileFixture, Dictionary<string, object?>> Valid);

    private const string AppIdMarker = "{appid}";

    private static readonly Route[] Routes =
    [
        new("generate-shortlink", Family.A, true, [new("longUrl", 's', true)], _ => "/generate-shortlink",
            _ => new() { ["longUrl"] = "https://example.com/landing" }),
        new("generate-miniprogram-link", Family.A, true, [new("appid", 's', true), new("pagepath", 's', true)], _ => "/generate-miniprogram-link",
            f => new() { ["appid"] = f.AppId, ["pagepath"] = "pages/index/index" }),
        new("decode-link", Family.A, true, [new("link", 's', true)], _ => "/decode-link",
            _ => new() { ["link"] = "mp://abcdefgh" }),
        new("generate-qr", Family.A, true,
            [new("appid", 's', true), new("pagepath", 's', true), new("type", 's', true), new("scene", 's', false),
             new("width", 'i', false), new("auto_color", 'b', false), new("line_color", 'c', false), new("is_hyaline", 'b', false)],
            _ => "/generate-qr", f => new() { ["appid"] = f.AppId, ["pagepath"] = "pages/index/index", ["type"] = "wxcode_b", ["scene"] = "a=1" }),
        new("h5-generate", Family.B, true, H5Fields(), _ => "/api/h5/qrcode/generate", f => new() { ["scene"] = "a=1", ["appid"] = f.AppId }),
        new("h5-generate-base64", Family.B, true, H5Fields(), _ => "/api/h5/qrcode/generate-base64", f => new() { ["scene"] = "a=1", ["appid"] = f.AppId }),
        new("wx-qrcode-unlimited", Family.C, true,
            [new("scene", 's', true), new("page", 's', false), new("width", 'i', false), new("autoColor", 'b', false),
             new("lineColor", 'c', false), new("isHyaline", 'b', false)],
            f => $"/wx/mini/v1/{f.AppId}/{f.Secret}/qrcode/unlimited", _ => new() { ["scene"] = "a=1" }),
        new("wx-code2Session", Family.C, false, [new("code", 's', true)], f => $"/wx/mini/v1/{f.AppId}/{f.Secret}/code2Session", _ => new() { ["code"] = "0a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P" }),
        new("wx-decode", Family.C, false, [new("sessionkey", 's', true), new("encryptedData", 's', true), new("iv", 's', true)],
            f => $"/wx/mini/v1/{f.AppId}/decode",
            _ => new() { ["sessionkey"] = Convert.ToBase64String(new byte[16]), ["encryptedData"] = Convert.ToBase64String(new byte[32]), ["iv"] = Convert.ToBase64String(new byte[16]) }),
        new("wx-openId", Family.C, false, [new("token", 's', true)], f => $"/wx/mini/v1/{f.AppId}/openId", _ => new() { ["token"] = "wxs_unknown" }),
        new("wx-unionId", Family.C, false, [new("token", 's', true)], f => $"/wx/mini/v1/{f.AppId}/unionId", _ => new() { ["token"] = "wxs_unknown" }),
        new("wx-access_token", Family.C, false, [], f => $"/wx/mini/v1/{AppIdMarker}/{f.Secret}/access_token", _ => new()),
    ];

    private static Field[] H5Fields() =>
    [
        new("scene", 's', true), new("page", 's', false), new("appid", 's', false), new("width", 'i', false), new("auto_color", 'b', false),
        new("line_color", 'c', false), new("is_hyaline", 'b', false), new("env_version", 's', false), new("check_path", 'b', false),
    ];

    private static readonly string Mega = new('x', 1024 * 1024);
    private static readonly string Big = new('y', 32 * 1024);
    private const string Control = "a\u0000b\u001b[31mc\u0007";
    private const string Exotic = "\u202Egnp.exe😀中文\u0645\u0631\u062D\u0628\u0627\u200B";
    private const string Unicode = "页面😀\u0645\u0631\u062D\u0628\u0627";

    /// <summary>Every route × hostile case.</summary>
    public static IEnumerable<object[]> Cases()
    {
        foreach (var r in Routes)
        {
            foreach (var c in CasesOf(r)) yield return [r.Name, c];
        }
    }

    private static IEnumerable<string> CasesOf(Route r)
    {
        yield return "huge-header";
        if (r.Post)
        {
            foreach (var c in new[] { "invalid-json", "truncated-json", "array", "string", "number", "null", "true", "empty-body", "whitespace-body",
                         "text-plain", "form-urlencoded", "no-content-type", "xml", "missing-all-fields", "extra-fields-only", "100kb-body",
                         "1mb-unknown-field", "deep-nesting", "duplicate-keys-invalid", "bom-invalid" })
                yield return c;
        }
        else
        {
            yield return "post-instead-of-get";
            if (r.Fields.Length > 0) { yield return "no-query"; yield return "extra-query-only"; }
            if (r.Name == "wx-access_token")
            {
                foreach (var c in new[] { "appid-control", "appid-exotic", "appid-huge", "secret-control", "secret-exotic", "secret-huge" }) yield return c;
                yield break;
            }
        }
        foreach (var f in r.Fields)
        {
            if (f.Required) yield return $"missing:{f.Name}";
            if (f.Kind == 's')
            {
                yield return $"1mb:{f.Name}";
                yield return $"control:{f.Name}";
                yield return $"exotic:{f.Name}";
                yield return $"unicode:{f.Name}";
                if (!r.Post) { yield return $"repeated:{f.Name}"; yield return $"empty:{f.Name}"; }
            }
            if (!r.Post) continue;
            foreach (var t in WrongTypes(f.Kind)) yield return $"type-{t}:{f.Name}";
            if (f.Required) yield return $"type-null:{f.Name}";
        }
    }

    private static IEnumerable<string> WrongTypes(char kind) => kind switch
    {
        's' => ["number", "bool", "object", "array"],
        'i' => ["string", "bool", "object", "array", "float", "hugenumber"],
        'b' => ["string", "number", "object", "array"],
        'c' => ["number", "bool", "array", "string"],
        _ => [],
    };

    private static object? WrongValue(string type) => type switch
    {
        "number" => 12345,
        "bool" => true,
        "object" => new Dictionary<string, object> { ["$ne"] = 1 },
        "array" => new object[] { "a", 1 },
        "string" => "not-a-value",
        "float" => 1.5,
        "hugenumber" => JsonDocument.Parse("1e400000").RootElement.Clone(),
        _ => null,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Route_HostileRequest_4xxInOwnEnvelopeWithoutMoneyOrUpstream(string routeName, string caseName)
    {
        var route = Routes.Single(r => r.Name == routeName);
        fx.Stub.ResetLogEntries();
        var before = await fx.Factory.MoneyOfAsync(fx.User.Id);
        using var client = fx.Factory.ApiClient(fx.Token);

        using var request = Build(route, caseName);
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();

        if (caseName.StartsWith("unicode:", StringComparison.Ordinal) && status is >= 200 and < 300)
        {
            // Printable non-ASCII text (Chinese, emoji, Arabic without bidi controls) may be legitimate, e.g. in a
            // mini-program link's query: it may succeed (and be billed normally) but must never break anything.
            await fx.Factory.AssertLedgerInvariantsAsync();
            return;
        }
        Assert.True(status is >= 400 and < 500, $"{routeName} {caseName}: expected a 4xx, got {status}: {Trim(text)}");
        // A POST to a GET-only route matches no API endpoint (so no envelope): any 4xx, and nothing happens.
        if (caseName != "post-instead-of-get" && status != 431)
        {
            AssertEnvelope(route.Family, status, response, text, before.Balance);
        }
        Assert.Empty(fx.Stub.LogEntries);
        var after = await fx.Factory.MoneyOfAsync(fx.User.Id);
        Assert.Equal(before, after);
        await fx.Factory.AssertLedgerInvariantsAsync();
    }

    [Theory]
    [InlineData("generate-shortlink")]
    [InlineData("generate-miniprogram-link")]
    [InlineData("generate-qr")]
    [InlineData("h5-generate-base64")]
    [InlineData("wx-qrcode-unlimited")]
    public async Task Route_ValidBodyWithUnknownFields_UnknownFieldsIgnored(string routeName)
    {
        var route = Routes.Single(r => r.Name == routeName);
        var body = route.Valid(fx);
        body["balance"] = 99_999_999;
        body["user_id"] = "someone-else";
        body["__proto__"] = new Dictionary<string, object> { ["isAdmin"] = true };
        body["price"] = 0;
        var before = await fx.Factory.MoneyOfAsync(fx.User.Id);
        using var client = fx.Factory.ApiClient(fx.Token);

        using var response = await client.PostAsync(route.Path(fx), Json(JsonSerializer.Serialize(body)));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 200, $"{routeName}: {(int)response.StatusCode} {Trim(text)}");
        var after = await fx.Factory.MoneyOfAsync(fx.User.Id);
        Assert.True(after.Balance < before.Balance, "the call is billed at its normal price");
        Assert.Equal(after.Balance, after.LedgerSum);
        await fx.Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task Api_BodyOverJsonLimitWithoutContentLength_413InEnvelope()
    {
        // Chunked (no Content-Length): ApiJson must stop reading at its 64 KiB limit rather than buffer 2 MB.
        var before = await fx.Factory.MoneyOfAsync(fx.User.Id);
        using var client = fx.Factory.ApiClient(fx.Token);
        var bytes = Encoding.UTF8.GetBytes($"{{\"longUrl\":\"https://example.com/{new string('z', 2 * 1024 * 1024)}\"}}");
        var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/generate-shortlink") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
        AssertEnvelope(Family.A, 413, response, await response.Content.ReadAsStringAsync(), before.Balance);
        Assert.Equal(before, await fx.Factory.MoneyOfAsync(fx.User.Id));
    }

    private HttpRequestMessage Build(Route route, string caseName)
    {
        var path = route.Path(fx).Replace(AppIdMarker, fx.AppId, StringComparison.Ordinal);
        var (kind, field) = caseName.Split(':') is [var k, var f] ? (k, f) : (caseName, "");

        if (!route.Post)
        {
            var query = route.Valid(fx).ToDictionary(p => p.Key, p => new List<string> { (string)p.Value! });
            switch (kind)
            {
                case "huge-header":
                    query.Clear();
                    if (route.Fields.Length == 0) path = path.Replace(fx.Secret, WeChatStub.NewSecret());
                    break;
                case "no-query": query.Clear(); break;
                case "extra-query-only": query.Clear(); query["evil"] = ["<script>"]; query["balance"] = ["999999"]; break;
                case "post-instead-of-get": break;
                case "missing": query.Remove(field); break;
                case "1mb": query[field] = [Big]; break;
                case "control": query[field] = [Control]; break;
                case "exotic": query[field] = [Exotic]; break;
                case "unicode": query[field] = [Unicode]; break;
                case "repeated": query[field] = [query[field][0], query[field][0]]; break;
                case "empty": query[field] = [""]; break;
                case "appid-control": path = path.Replace(fx.AppId, Uri.EscapeDataString("wx\u0001\u001b" + fx.AppId[3..])); break;
                case "appid-exotic": path = path.Replace(fx.AppId, Uri.EscapeDataString(Exotic)); break;
                case "appid-huge": path = path.Replace(fx.AppId, Big[..8000]); break;
                case "secret-control": path = path.Replace(fx.Secret, Uri.EscapeDataString(fx.Secret[..^2] + "\u0001\u001b")); break;
                case "secret-exotic": path = path.Replace(fx.Secret, Uri.EscapeDataString(Exotic)); break;
                case "secret-huge": path = path.Replace(fx.Secret, Big[..8000]); break;
                default: throw new ArgumentOutOfRangeException(nameof(caseName), caseName);
            }
            var qs = string.Join('&', query.SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v)}")));
            var url = qs.Length == 0 ? path : path + "?" + qs;
            var get = new HttpRequestMessage(kind == "post-instead-of-get" ? HttpMethod.Post : HttpMethod.Get, url);
            if (kind == "post-instead-of-get") get.Content = Json("{}");
            if (kind == "huge-header") get.Headers.TryAddWithoutValidation("X-Hostile", new string('h', 16 * 1024));
            return get;
        }

        var body = route.Valid(fx);
        HttpContent content = kind switch
        {
            "huge-header" => Json("{}"),
            "invalid-json" => Json("{\"scene\": 'a', appid: }"),
            "truncated-json" => Json(JsonSerializer.Serialize(body)[..^3]),
            "array" => Json("[" + JsonSerializer.Serialize(body) + "]"),
            "string" => Json(JsonSerializer.Serialize(JsonSerializer.Serialize(body))),
            "number" => Json("42"),
            "null" => Json("null"),
            "true" => Json("true"),
            "empty-body" => Json(""),
            "whitespace-body" => Json("   \r\n\t "),
            "text-plain" => Raw(JsonSerializer.Serialize(body), "text/plain"),
            "form-urlencoded" => new FormUrlEncodedContent(body.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "")),
            "no-content-type" => Raw(JsonSerializer.Serialize(body), null),
            "xml" => Raw("<request><scene>a</scene></request>", "application/xml"),
            "missing-all-fields" => Json("{}"),
            "extra-fields-only" => Json("""{"evil":{"$where":"1"},"__proto__":{"admin":true},"balance":999999,"constructor":{"prototype":{}}}"""),
            "100kb-body" => Json(JsonSerializer.Serialize(new { padding = new string('p', 100 * 1024) })),
            "1mb-unknown-field" => Json(JsonSerializer.Serialize(new Dictionary<string, object?>(body) { ["padding"] = Mega })),
            "deep-nesting" => Json(new string('[', 5000) + new string(']', 5000)),
            "duplicate-keys-invalid" => Json("{\"a\":1,\"a\":2,\"a\":{}}"),
            "bom-invalid" => Raw("\uFEFF{,}", "application/json"),
            "missing" => Json(JsonSerializer.Serialize(Without(body, field))),
            "1mb" => Json(JsonSerializer.Serialize(With(body, field, Mega))),
            "control" => Json(JsonSerializer.Serialize(With(body, field, Control))),
            "exotic" => Json(JsonSerializer.Serialize(With(body, field, Exotic))),
            "unicode" => Json(JsonSerializer.Serialize(With(body, field, Unicode))),
            _ when kind.StartsWith("type-", StringComparison.Ordinal) => Json(JsonSerializer.Serialize(With(body, field, WrongValue(kind["type-".Length..])))),
            _ => throw new ArgumentOutOfRangeException(nameof(caseName), caseName),
        };
        var post = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (kind == "huge-header") post.Headers.TryAddWithoutValidation("X-Hostile", new string('h', 16 * 1024));
        return post;
    }

    private static Dictionary<string, object?> With(Dictionary<string, object?> body, string field, object? value) => new(body) { [field] = value };

    private static Dictionary<string, object?> Without(Dictionary<string, object?> body, string field)
    {
        var copy = new Dictionary<string, object?>(body);
        copy.Remove(field);
        return copy;
    }

    private static StringContent Json(string text) => (StringContent)Raw(text, "application/json");

    private static HttpContent Raw(string text, string? contentType)
    {
        var content = new StringContent(text, new UTF8Encoding(false));
        content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        return content;
    }

    private static string Trim(string text) => text.Length > 400 ? text[..400] + "…" : text;

    /// <summary>Asserts the error is in <paramref name="family"/>'s envelope (docs/api.md).</summary>
    internal static void AssertEnvelope(Family family, int status, HttpResponseMessage response, string text, long balanceFen)
    {
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{status} not JSON: {response.Content.Headers.ContentType} {Trim(text)}");
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        var keys = body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        switch (family)
        {
            case Family.A:
                Assert.Equal(["code", "current_balance", "msg"], keys);
                Assert.Equal(status, body.GetProperty("code").GetInt32());
                Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("msg").GetString()));
                Assert.Equal(Money.Format(balanceFen), body.GetProperty("current_balance").GetString());
                break;
            case Family.B:
                Assert.Equal(["code", "message", "success", "timestamp"], keys);
                Assert.False(body.GetProperty("success").GetBoolean());
                Assert.Equal(status, body.GetProperty("code").GetInt32());
                Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
                Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", body.GetProperty("timestamp").GetString());
                break;
            case Family.C:
                Assert.Equal(["code", "msg", "success"], keys);
                Assert.False(body.GetProperty("success").GetBoolean());
                Assert.Equal(JsonValueKind.Number, body.GetProperty("code").ValueKind);
                Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("msg").GetString()));
                break;
        }
    }
}
