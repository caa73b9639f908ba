// Calls every token route of a running Portal through the client NSwag generated from its OpenAPI document (namespace
// Generated, class PortalClient), unedited. Prints "PASS <check>" or "FAIL <check>: <why>" per check and exits with the
// number of failures. Inputs come from environment variables set by GeneratedClientTests.
using System.Net.Http.Headers;
using Generated;

var env = (string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException(name + " is not set");
var baseUrl = env("PORTAL_BASE").TrimEnd('/');
var appId = env("PORTAL_APP_ID");
var secret = env("PORTAL_APP_SECRET");
var failures = 0;

PortalClient Client(string token, bool bearer = true)
{
    var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
    http.DefaultRequestHeaders.Authorization = bearer ? new AuthenticationHeaderValue("Bearer", token) : null;
    if (!bearer) http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
    return new PortalClient(http) { BaseUrl = baseUrl };
}

async Task Check(string name, Func<Task<string>> run)
{
    try
    {
        var problem = await run();
        Console.WriteLine(problem is null ? $"PASS {name}" : $"FAIL {name}: {problem}");
        if (problem is not null) failures++;
    }
    catch (Exception ex)
    {
        Console.WriteLine($"FAIL {name}: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
        failures++;
    }
}

// Expects a typed error: the generated exception for the route's error schema, with the given status.
async Task<string> Expect<TError>(int status, Func<Task> call, Func<TError, string> inspect)
{
    try
    {
        await call();
        return $"expected {status}, got success";
    }
    catch (ApiException<TError> ex)
    {
        if (ex.StatusCode != status) return $"expected {status}, got {ex.StatusCode}";
        return ex.Result is null ? "no typed body" : inspect(ex.Result);
    }
}

static string Must(bool condition, string otherwise) => condition ? null : otherwise;

var api = Client(env("PORTAL_TOKEN"));
var bare = Client(env("PORTAL_TOKEN"), bearer: false);
var poor = Client(env("PORTAL_POOR_TOKEN"));
var nobody = Client("wxp_not_a_real_token");

// Envelope A: mini-program codes and links.
await Check("GenerateQr", async () =>
{
    var r = await api.GenerateQrAsync(null, new GenerateQrRequest { Appid = appId, Pagepath = "pages/index/index", Type = GenerateQrRequestType.Wxcode });
    return Must(r.Code == 200 && r.Qrcode_url.StartsWith(baseUrl + "/codes/") && r.Current_balance.Contains('.'), $"unexpected {r.Code} {r.Qrcode_url} {r.Current_balance}");
});
await Check("GenerateQr-wxcode_b-502", () => Expect<GatewayError>(502,
    () => api.GenerateQrAsync(null, new GenerateQrRequest { Appid = appId, Pagepath = "pages/index/index", Type = GenerateQrRequestType.Wxcode_b, Scene = "e41030" }),
    e => Must(e.Code == 502 && e.Detail?.Errcode == 41030 && e.Current_balance != null, $"detail {e.Detail?.Errcode}, balance {e.Current_balance}")));
await Check("GenerateShortLink", async () =>
{
    var r = await bare.GenerateShortLinkAsync(null, new ShortLinkRequest { LongUrl = new Uri("https://www.example.com/search?q=portal") });
    return Must(r.Code == 200 && r.Short_url.StartsWith(baseUrl + "/s/"), $"unexpected {r.Short_url}");
});
await Check("GenerateShortLink-401", () => Expect<GatewayError>(401,
    () => nobody.GenerateShortLinkAsync(null, new ShortLinkRequest { LongUrl = new Uri("https://www.example.com/") }),
    e => Must(e.Code == 401 && e.Current_balance == null && e.Detail == null, "401 carried a balance or detail")));
await Check("GenerateShortLink-402", () => Expect<GatewayError>(402,
    () => poor.GenerateShortLinkAsync(null, new ShortLinkRequest { LongUrl = new Uri("https://www.example.com/") }),
    e => Must(e.Code == 402 && e.Current_balance == "0.00", $"balance {e.Current_balance}")));
await Check("GenerateShortLink-422", async () =>
{
    var key = Guid.NewGuid().ToString();
    await api.GenerateShortLinkAsync(key, new ShortLinkRequest { LongUrl = new Uri("https://www.example.com/a") });
    return await Expect<GatewayError>(422, () => api.GenerateShortLinkAsync(key, new ShortLinkRequest { LongUrl = new Uri("https://www.example.com/b") }),
        e => Must(e.Code == 422, $"code {e.Code}"));
});
string mpLink = null;
await Check("GenerateMiniProgramLink", async () =>
{
    var r = await api.GenerateMiniProgramLinkAsync(null, new MiniProgramLinkRequest { Appid = appId, Pagepath = "pages/index/index?id=7" });
    mpLink = r.Miniprogram_link;
    return Must(r.Code == 200 && mpLink.StartsWith("mp://"), $"unexpected {mpLink}");
});
await Check("DecodeLink", async () =>
{
    var r = await api.DecodeLinkAsync(null, new DecodeLinkRequest { Link = mpLink });
    return Must(r.Appid == appId && r.Page == "pages/index/index?id=7", $"unexpected {r.Appid} {r.Page}");
});
await Check("DecodeLink-404", () => Expect<GatewayError>(404,
    () => api.DecodeLinkAsync(null, new DecodeLinkRequest { Link = "mp://doesnotexist0000" }),
    e => Must(e.Code == 404 && e.Current_balance != null, "404 without balance")));

// Envelope B: unlimited codes as an image or base64.
await Check("GenerateH5QrCodeImage", async () =>
{
    using var file = await api.GenerateH5QrCodeImageAsync(null, new H5QrCodeRequest { Scene = "id=42", Page = "pages/index/index", Width = 430, Appid = appId });
    using var bytes = new MemoryStream();
    await file.Stream.CopyToAsync(bytes);
    var disposition = file.Headers.TryGetValue("Content-Disposition", out var d) ? string.Join(",", d) : "";
    return Must(file.StatusCode == 200 && bytes.Length > 0 && disposition.Contains("qrcode_"), $"status {file.StatusCode}, {bytes.Length} bytes, disposition '{disposition}'");
});
await Check("GenerateH5QrCodeImage-401", () => Expect<H5Error>(401,
    () => nobody.GenerateH5QrCodeImageAsync(null, new H5QrCodeRequest { Scene = "id=42" }),
    e => Must(!e.Success && e.Code == 401 && e.Timestamp != default, "unexpected body")));
await Check("GenerateH5QrCodeBase64", async () =>
{
    var r = await api.GenerateH5QrCodeBase64Async(null, new H5QrCodeRequest { Scene = "id=43", Is_hyaline = true, Appid = appId });
    return Must(r.Success && r.Code == 200 && r.Data.Size > 0 && Convert.FromBase64String(r.Data.Base64).Length == r.Data.Size && r.Data.Width == 430,
        $"unexpected {r.Data.Size} {r.Data.Width}");
});
await Check("GenerateH5QrCodeBase64-400", () => Expect<H5Error>(400,
    () => api.GenerateH5QrCodeBase64Async(null, new H5QrCodeRequest { Scene = "", Appid = appId }),
    e => Must(!e.Success && e.Code == 400 && e.Message.Length > 0, "unexpected body")));

// Envelope C: the central control of one mini-program.
string session = null;
await Check("WxMiniCode2Session", async () =>
{
    var r = await api.WxMiniCode2SessionAsync(appId, secret, env("PORTAL_LOGIN_CODE"), null);
    session = r.Data;
    return Must(r.Success && r.Code == 200 && r.Msg == "ok" && !string.IsNullOrEmpty(session), "no session token");
});
await Check("WxMiniCode2Session-403", () => Expect<WxMiniError>(403,
    () => api.WxMiniCode2SessionAsync(appId, "0123456789abcdef0123456789abcdef", env("PORTAL_LOGIN_CODE"), null),
    e => Must(e.Code == 40125 && !e.Success, $"code {e.Code}")));
await Check("WxMiniDecode", async () =>
{
    var r = await api.WxMiniDecodeAsync(appId, session, env("PORTAL_ENCRYPTED_DATA"), env("PORTAL_IV"), null);
    var data = r.Data?.ToString() ?? "";
    return Must(r.Success && data.Contains("OPEN-1") && data.Contains(appId), "unexpected data " + data);
});
await Check("WxMiniUnionId", async () =>
{
    var r = await api.WxMiniUnionIdAsync(appId, session, null);
    return Must(r.Success && r.Data == "UNION-1", "unexpected " + r.Data);
});
await Check("WxMiniOpenId", async () =>
{
    var r = await api.WxMiniOpenIdAsync(appId, session, null);
    return Must(r.Success && r.Data == "OPEN-1", "unexpected " + r.Data);
});
await Check("WxMiniOpenId-401", () => Expect<WxMiniError>(401,
    () => api.WxMiniOpenIdAsync(appId, "wxs_unknown", null),
    e => Must(e.Code == 1000 && !e.Success, $"code {e.Code}")));
await Check("WxMiniAccessToken", async () =>
{
    var r = await api.WxMiniAccessTokenAsync(appId, secret, null);
    return Must(r.Success && r.Data == "STUB_ACCESS_TOKEN", "unexpected " + r.Data);
});
await Check("WxMiniQrCodeUnlimited", async () =>
{
    var r = await api.WxMiniQrCodeUnlimitedAsync(appId, secret, null, new WxMiniUnlimitedRequest { Scene = "id=44", Page = "pages/index/index", Width = 430 });
    return Must(r.Success && Convert.FromBase64String(r.Data).Length > 0, "no image");
});
await Check("WxMiniQrCodeUnlimited-403", () => Expect<WxMiniError>(403,
    () => poor.WxMiniQrCodeUnlimitedAsync(appId, secret, null, new WxMiniUnlimitedRequest { Scene = "id=45" }),
    e => Must(e.Code == 40013, $"code {e.Code}")));

Console.WriteLine($"{failures} failure(s)");
return failures;
