// Calls every token route of a running Portal through the client Kiota generated from its OpenAPI document
// (namespace Generated, class PortalClient), unedited. Prints "PASS <check>" or "FAIL <check>: <why>" per check and exits
// with the number of failures. Inputs come from environment variables set by GeneratedClientTests.
using Generated;
using Generated.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

string Env(string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException(name + " is not set");
var baseUrl = Env("PORTAL_BASE").TrimEnd('/');
var appId = Env("PORTAL_APP_ID");
var secret = Env("PORTAL_APP_SECRET");
var failures = 0;

PortalClient Client(string token)
{
    var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
    http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
    return new PortalClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = baseUrl });
}

async Task Check(string name, Func<Task<string?>> run)
{
    string? problem;
    try { problem = await run(); }
    catch (Exception ex) { problem = $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}"; }
    Console.WriteLine(problem is null ? $"PASS {name}" : $"FAIL {name}: {problem}");
    if (problem is not null) failures++;
}

// Expects a typed error: the generated exception for the route's error schema, with the given status.
async Task<string?> Expect<TError>(int status, Func<Task> call, Func<TError, string?> inspect) where TError : Microsoft.Kiota.Abstractions.ApiException
{
    try
    {
        await call();
        return $"expected {status}, got success";
    }
    catch (TError ex)
    {
        return ex.ResponseStatusCode != status ? $"expected {status}, got {ex.ResponseStatusCode}" : inspect(ex);
    }
}

static string? Must(bool condition, string otherwise) => condition ? null : otherwise;

var api = Client(Env("PORTAL_TOKEN"));
var poor = Client(Env("PORTAL_POOR_TOKEN"));
var nobody = Client("wxp_not_a_real_token");

await Check("GenerateQr", async () =>
{
    var r = await api.GenerateQr.PostAsync(new GenerateQrRequest { Appid = appId, Pagepath = "pages/index/index", Type = GenerateQrRequest_type.Wxcode });
    return Must(r!.Code == 200 && r.QrcodeUrl!.StartsWith(baseUrl + "/codes/"), $"unexpected {r.QrcodeUrl}");
});
await Check("GenerateQr-wxcode_b-502", () => Expect<GatewayError>(502,
    () => api.GenerateQr.PostAsync(new GenerateQrRequest { Appid = appId, Pagepath = "pages/index/index", Type = GenerateQrRequest_type.Wxcode_b, Scene = "e41030" }),
    e => Must(e.Code == 502 && e.Detail?.Errcode == 41030 && e.CurrentBalance != null, $"detail {e.Detail?.Errcode}")));
await Check("GenerateShortLink", async () =>
{
    var r = await api.GenerateShortlink.PostAsync(new ShortLinkRequest { LongUrl = "https://www.example.com/search?q=portal" });
    return Must(r!.Code == 200 && r.ShortUrl!.StartsWith(baseUrl + "/s/"), $"unexpected {r.ShortUrl}");
});
await Check("GenerateShortLink-401", () => Expect<GatewayError>(401,
    () => nobody.GenerateShortlink.PostAsync(new ShortLinkRequest { LongUrl = "https://www.example.com/" }),
    e => Must(e.Code == 401 && e.CurrentBalance == null, "401 carried a balance")));
await Check("GenerateShortLink-402", () => Expect<GatewayError>(402,
    () => poor.GenerateShortlink.PostAsync(new ShortLinkRequest { LongUrl = "https://www.example.com/" }),
    e => Must(e.CurrentBalance == "0.00", $"balance {e.CurrentBalance}")));
string? mpLink = null;
await Check("GenerateMiniProgramLink", async () =>
{
    var r = await api.GenerateMiniprogramLink.PostAsync(new MiniProgramLinkRequest { Appid = appId, Pagepath = "pages/index/index?id=7" });
    mpLink = r!.MiniprogramLink;
    return Must(mpLink!.StartsWith("mp://"), $"unexpected {mpLink}");
});
await Check("DecodeLink", async () =>
{
    var r = await api.DecodeLink.PostAsync(new DecodeLinkRequest { Link = mpLink });
    return Must(r!.Appid == appId && r.Page == "pages/index/index?id=7", $"unexpected {r.Appid} {r.Page}");
});
await Check("DecodeLink-404", () => Expect<GatewayError>(404,
    () => api.DecodeLink.PostAsync(new DecodeLinkRequest { Link = "mp://doesnotexist0000" }), e => Must(e.Code == 404, $"code {e.Code}")));
await Check("GenerateH5QrCodeImage", async () =>
{
    await using var image = await api.Api.H5.Qrcode.Generate.PostAsync(new H5QrCodeRequest { Scene = "id=42", Width = 430, Appid = appId });
    using var bytes = new MemoryStream();
    await image!.CopyToAsync(bytes);
    return Must(bytes.Length > 0, "empty image");
});
await Check("GenerateH5QrCodeImage-401", () => Expect<H5Error>(401,
    () => nobody.Api.H5.Qrcode.Generate.PostAsync(new H5QrCodeRequest { Scene = "id=42" }),
    e => Must(e.Success == false && e.Code == 401 && e.Timestamp != null, "unexpected body")));
await Check("GenerateH5QrCodeBase64", async () =>
{
    var r = await api.Api.H5.Qrcode.GenerateBase64.PostAsync(new H5QrCodeRequest { Scene = "id=43", IsHyaline = true, Appid = appId });
    return Must(r!.Success == true && r.Data!.Size > 0 && Convert.FromBase64String(r.Data.Base64!).Length == r.Data.Size, "unexpected data");
});
await Check("GenerateH5QrCodeBase64-400", () => Expect<H5Error>(400,
    () => api.Api.H5.Qrcode.GenerateBase64.PostAsync(new H5QrCodeRequest { Scene = "", Appid = appId }),
    e => Must(e.Code == 400 && !string.IsNullOrEmpty(e.MessageEscaped), "unexpected body")));
string? session = null;
await Check("WxMiniCode2Session", async () =>
{
    var r = await api.Wx.Mini.V1[appId][secret].Code2Session.GetAsync(c => c.QueryParameters.Code = Env("PORTAL_LOGIN_CODE"));
    session = r!.Data;
    return Must(r.Success == true && !string.IsNullOrEmpty(session), "no session token");
});
await Check("WxMiniCode2Session-403", () => Expect<WxMiniError>(403,
    () => api.Wx.Mini.V1[appId]["0123456789abcdef0123456789abcdef"].Code2Session.GetAsync(c => c.QueryParameters.Code = Env("PORTAL_LOGIN_CODE")),
    e => Must(e.Code == 40125, $"code {e.Code}")));
await Check("WxMiniDecode", async () =>
{
    var r = await api.Wx.Mini.V1[appId].Decode.GetAsync(c =>
    {
        c.QueryParameters.Sessionkey = session;
        c.QueryParameters.EncryptedData = Env("PORTAL_ENCRYPTED_DATA");
        c.QueryParameters.Iv = Env("PORTAL_IV");
    });
    return Must(r!.Success == true && r.Data!.AdditionalData.ContainsKey("watermark") && r.Data.AdditionalData.ContainsKey("openId"), "unexpected data");
});
await Check("WxMiniUnionId", async () =>
{
    var r = await api.Wx.Mini.V1[appId].UnionId.GetAsync(c => c.QueryParameters.Token = session);
    return Must(r!.Data == "UNION-1", "unexpected " + r.Data);
});
await Check("WxMiniOpenId", async () =>
{
    var r = await api.Wx.Mini.V1[appId].OpenId.GetAsync(c => c.QueryParameters.Token = session);
    return Must(r!.Data == "OPEN-1", "unexpected " + r.Data);
});
await Check("WxMiniOpenId-401", () => Expect<WxMiniError>(401,
    () => api.Wx.Mini.V1[appId].OpenId.GetAsync(c => c.QueryParameters.Token = "wxs_unknown"), e => Must(e.Code == 1000, $"code {e.Code}")));
await Check("WxMiniAccessToken", async () =>
{
    var r = await api.Wx.Mini.V1[appId][secret].Access_token.GetAsync();
    return Must(r!.Data == "STUB_ACCESS_TOKEN", "unexpected " + r.Data);
});
await Check("WxMiniQrCodeUnlimited", async () =>
{
    var r = await api.Wx.Mini.V1[appId][secret].Qrcode.Unlimited.PostAsync(new WxMiniUnlimitedRequest { Scene = "id=44", Width = 430 });
    return Must(Convert.FromBase64String(r!.Data!).Length > 0, "no image");
});
await Check("WxMiniQrCodeUnlimited-403", () => Expect<WxMiniError>(403,
    () => poor.Wx.Mini.V1[appId][secret].Qrcode.Unlimited.PostAsync(new WxMiniUnlimitedRequest { Scene = "id=45" }), e => Must(e.Code == 40013, $"code {e.Code}")));

Console.WriteLine($"{failures} failure(s)");
return failures;
