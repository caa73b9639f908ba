using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Features.MiniProgramCodes;
using Portal.Infrastructure.Api;
using Portal.Infrastructure.Api.OpenApi;

namespace Portal.Features.WeChat;

/// <summary>Seed 003 qrcode/unlimited request body (documentation only).</summary>
public sealed record WxMiniUnlimitedRequest(
    [property: JsonPropertyName("scene")] string Scene, [property: JsonPropertyName("page")] string? Page = null,
    [property: JsonPropertyName("width")] int? Width = null, [property: JsonPropertyName("autoColor")] bool? AutoColor = null,
    [property: JsonPropertyName("lineColor")] object? LineColor = null, [property: JsonPropertyName("isHyaline")] bool? IsHyaline = null,
    [property: JsonPropertyName("envVersion")] string? EnvVersion = null, [property: JsonPropertyName("checkPath")] bool? CheckPath = null);

/// <summary>
/// All seed 003 "微信中控服务" routes under <c>/wx/mini/v1/{appId}/…</c> (docs/api.md family C): code2Session, decode,
/// unionId, openId, access_token, and <c>qrcode/unlimited</c> (which generates through the mini-program codes
/// feature's <see cref="MiniProgramCodeCommands"/>). Every route needs an API token; <c>{appId}</c> must be registered
/// by its owner.
/// </summary>
public static class WxMiniEndpoints
{
    /// <summary>The route prefix.</summary>
    public const string Prefix = "/wx/mini/v1";

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapWxMiniEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix).WithTags(OpenApiTags.WxMini).WithMetadata(WxMiniEnvelope.Instance)
            .RequireApiToken().DisableAntiforgery();
        api.MapGet("/{appId}/{secret}/code2Session", Code2Session).WithName("WxMiniCode2Session")
            .WithSummary("Exchange a login code for a session token")
            .WithDescription("Calls WeChat's code2Session with the login code from `wx.login()` and answers an opaque session token " +
                "(never the session_key) to pass as `token` or `sessionkey` to the other routes. Billed; a WeChat refusal is refunded. " +
                "A wrong `{secret}` is 40125, an AppID you have not registered 40013, a missing or malformed `code` 40029.")
            .Produces<WxMiniTextResponse>().Produces<WxMiniError>(400).Produces<WxMiniError>(401).Produces<WxMiniError>(402)
            .Produces<WxMiniError>(403).Produces<WxMiniError>(500).Produces<WxMiniError>(502);
        api.MapGet("/{appId}/decode", Decode).WithName("WxMiniDecode")
            .WithSummary("Decrypt data a mini-program received from WeChat")
            .WithDescription("Decrypts `encryptedData` (AES-128-CBC) with the session's key and checks that its watermark names this app. " +
                "Billed. Missing parameters are 1001 (`sessionkey`), 1002 (`encryptedData`) and 1003 (`iv`); an unknown session is 1000; " +
                "data that does not decrypt, or belongs to another app, is 1004. None of these is charged.")
            .Produces<WxMiniDecodedResponse>().Produces<WxMiniError>(400).Produces<WxMiniError>(401).Produces<WxMiniError>(402)
            .Produces<WxMiniError>(403).Produces<WxMiniError>(500);
        api.MapGet("/{appId}/unionId", UnionId).WithName("WxMiniUnionId")
            .WithSummary("Read the unionid of a session")
            .WithDescription("Answers the unionid WeChat gave with the session, or null when it gave none. A missing `token` is 1001, an unknown one 1000.")
            .Produces<WxMiniOptionalTextResponse>().Produces<WxMiniError>(400).Produces<WxMiniError>(401).Produces<WxMiniError>(402)
            .Produces<WxMiniError>(403).Produces<WxMiniError>(500);
        api.MapGet("/{appId}/openId", OpenId).WithName("WxMiniOpenId")
            .WithSummary("Read the openid of a session")
            .WithDescription("Answers the openid of the user who logged in. A missing `token` is 1001, an unknown one 1000.")
            .Produces<WxMiniTextResponse>().Produces<WxMiniError>(400).Produces<WxMiniError>(401).Produces<WxMiniError>(402)
            .Produces<WxMiniError>(403).Produces<WxMiniError>(500);
        api.MapGet("/{appId}/{secret}/access_token", AccessToken).WithName("WxMiniAccessToken")
            .WithSummary("Read the centrally managed access_token")
            .WithDescription("Answers the app's current WeChat access_token, which Portal refreshes before it expires, so that your other " +
                "services never call WeChat's token endpoint themselves (which would invalidate this one).")
            .Produces<WxMiniTextResponse>().Produces<WxMiniError>(400).Produces<WxMiniError>(401).Produces<WxMiniError>(402)
            .Produces<WxMiniError>(403).Produces<WxMiniError>(500).Produces<WxMiniError>(502);
        api.MapPost("/{appId}/{secret}/qrcode/unlimited", WxMiniUnlimited).WithName("WxMiniQrCodeUnlimited")
            .WithSummary("Generate an unlimited mini-program code as base64")
            .WithDescription("Calls WeChat's getwxacodeunlimit for the app and answers the image as plain base64 in `data`. Field names " +
                "are camelCase; `lineColor` may be an object or that object as a JSON string. A scene WeChat would refuse is answered " +
                "with WeChat's errcode (40169 length, 40129 characters, 85096 reserved) and 400 before any charge. Billed; refunded on failure.")
            .Accepts<WxMiniUnlimitedRequest>("application/json", "*/*")
            .Produces<WxMiniTextResponse>().Produces<WxMiniError>(400).Produces<WxMiniError>(401).Produces<WxMiniError>(402)
            .Produces<WxMiniError>(403).Produces<WxMiniError>(500).Produces<WxMiniError>(502);
        return app;
    }

    /// <summary>
    /// Resolves <paramref name="appId"/> among the caller's apps and, when <paramref name="secret"/> is given (a
    /// <c>{secret}</c> route), checks it in constant time. Returns the app, or the family-C error: 40013 (403) for an
    /// app the caller did not register, 40125 (403) for a wrong secret. Nothing is debited. A test-mode caller needs no
    /// registration: any well-formed AppID (and any secret) gives the simulator's sandbox app.
    /// </summary>
    public static async Task<(MiniProgramApp? App, IResult? Error)> ResolveAppAsync(
        ClaimsPrincipal user, string appId, string? secret, MiniProgramAppService apps, CancellationToken ct)
    {
        if (user.IsTestMode())
            return MiniProgramAppService.IsValidAppId(appId)
                ? (WeChatSimulator.SandboxApp(user.UserId(), appId), null)
                : (null, Envelope.SeedError(WeChatErrCodes.InvalidAppId));
        var app = await apps.FindOwnedByAppIdAsync(user.UserId(), appId, ct);
        if (app is null) return (null, Envelope.SeedError(WeChatErrCodes.InvalidAppId));
        if (secret is not null && !apps.SecretMatches(app, secret)) return (null, Envelope.SeedError(WeChatErrCodes.InvalidSecret));
        return (app, null);
    }

    /// <summary>Longest accepted login code, in characters (WeChat's are 32; a longer one is never sent upstream).</summary>
    public const int MaxLoginCodeLength = 128;

    /// <summary>
    /// <c>GET /{appId}/{secret}/code2Session?code=</c>: billed <c>wechat.code2session</c>; data = a session token. A missing,
    /// repeated, over-long (&gt; <see cref="MaxLoginCodeLength"/>) or non-printable-ASCII code → 40029 (400) before any
    /// debit or upstream call.
    /// </summary>
    internal static async Task<IResult> Code2Session(string appId, string secret, [FromQuery(Name = "code")] string? loginCode,
        HttpContext http, ClaimsPrincipal user, MiniProgramAppService apps, IWeChatApi weChat, WeChatSessionService sessions, ChargeFlow flow)
    {
        var ct = http.RequestAborted;
        var (app, error) = await ResolveAppAsync(user, appId, secret, apps, ct);
        if (error is not null) return error;
        var code = Present(loginCode);
        if (code is null || http.Request.Query["code"].Count > 1 || !IsPlausibleLoginCode(code))
            return Envelope.SeedError(WeChatErrCodes.InvalidCode);

        var result = await flow.RunAsync(BillingCaller.FromApi(http, user).Debit(BillableProducts.WeChatCode2Session), async c =>
        {
            var login = await weChat.Code2SessionAsync(app!, code, c);
            if (!login.Succeeded) return WeChatWork.Failure<string, WeChatLogin>(login);
            return WorkResult<string>.Ok(await sessions.CreateAsync(app!, login.Value, c));
        }, ct);
        return Envelope.Billed(result, (token, _) => token);
    }

    /// <summary>
    /// <c>GET /{appId}/decode?sessionkey=&amp;encryptedData=&amp;iv=</c>: billed <c>wechat.decode</c>; data = the decrypted
    /// object. <c>sessionkey</c> is a session token or a raw base64 session_key. Missing parameters → 1001/1002/1003,
    /// an unknown token → 1000, failed decryption or another app's watermark → 1004; all before any debit.
    /// </summary>
    internal static async Task<IResult> Decode(string appId, [FromQuery(Name = "sessionkey")] string? sessionkey,
        [FromQuery(Name = "encryptedData")] string? encryptedData, [FromQuery(Name = "iv")] string? iv, HttpContext http, ClaimsPrincipal user,
        MiniProgramAppService apps, WeChatSessionService sessions, ChargeFlow flow)
    {
        var ct = http.RequestAborted;
        var (app, error) = await ResolveAppAsync(user, appId, null, apps, ct);
        if (error is not null) return error;
        var sessionKeyOrToken = Present(sessionkey);
        encryptedData = Present(encryptedData);
        iv = Present(iv);
        if (sessionKeyOrToken is null) return Envelope.SeedError(WxMiniEnvelope.MissingToken);
        if (encryptedData is null) return Envelope.SeedError(WxMiniEnvelope.MissingEncryptedData);
        if (iv is null) return Envelope.SeedError(WxMiniEnvelope.MissingIv);

        string sessionKey;
        if (await sessions.FindAsync(app!, sessionKeyOrToken, ct) is { } session) sessionKey = sessions.SessionKeyOf(session);
        else if (!sessionKeyOrToken.StartsWith(WeChatSessionService.TokenPrefix, StringComparison.Ordinal) && WeChatDataCrypto.IsRawSessionKey(sessionKeyOrToken)) sessionKey = sessionKeyOrToken;
        else return Envelope.SeedError(WxMiniEnvelope.Unauthorized);

        if (WeChatDataCrypto.TryDecrypt(sessionKey, encryptedData, iv, app!.AppId) is not { } data)
            return Envelope.SeedError(WxMiniEnvelope.DecodeFailed);
        var result = await flow.RunAsync(BillingCaller.FromApi(http, user).Debit(BillableProducts.WeChatDecode), _ => Task.FromResult(WorkResult<JsonElement>.Ok(data)), ct);
        return Envelope.Billed(result, (json, _) => json);
    }

    /// <summary><c>GET /{appId}/unionId?token=</c>: priced <c>wechat.unionid</c>; data = unionid or null.</summary>
    internal static Task<IResult> UnionId(string appId, [FromQuery(Name = "token")] string? token, HttpContext http, ClaimsPrincipal user,
        MiniProgramAppService apps, WeChatSessionService sessions, ChargeFlow flow) =>
        SessionReadAsync(appId, token, http, user, apps, sessions, flow, BillableProducts.WeChatUnionId, s => s.UnionId);

    /// <summary><c>GET /{appId}/openId?token=</c>: priced <c>wechat.openid</c>; data = openid.</summary>
    internal static Task<IResult> OpenId(string appId, [FromQuery(Name = "token")] string? token, HttpContext http, ClaimsPrincipal user,
        MiniProgramAppService apps, WeChatSessionService sessions, ChargeFlow flow) =>
        SessionReadAsync(appId, token, http, user, apps, sessions, flow, BillableProducts.WeChatOpenId, s => s.OpenId);

    /// <summary>
    /// <c>GET /{appId}/{secret}/access_token</c>: priced <c>wechat.access_token</c>; data = the centrally managed token,
    /// so the app's other services read it here instead of calling WeChat (docs/wechat.md §2.1).
    /// </summary>
    internal static async Task<IResult> AccessToken(string appId, string secret, HttpContext http, ClaimsPrincipal user,
        MiniProgramAppService apps, IWeChatApi weChat, ChargeFlow flow)
    {
        var ct = http.RequestAborted;
        var (app, error) = await ResolveAppAsync(user, appId, secret, apps, ct);
        if (error is not null) return error;
        var result = await flow.RunAsync(BillingCaller.FromApi(http, user).Debit(BillableProducts.WeChatAccessToken), async c =>
        {
            var token = await weChat.GetAccessTokenAsync(app!, false, c);
            return token.Succeeded ? WorkResult<string>.Ok(token.Value.Token) : WeChatWork.Failure<string, WeChatAccessToken>(token);
        }, ct);
        return Envelope.Billed(result, (token, _) => token);
    }

    private static async Task<IResult> SessionReadAsync(string appId, string? sessionToken, HttpContext http, ClaimsPrincipal user,
        MiniProgramAppService apps, WeChatSessionService sessions, ChargeFlow flow, string product, Func<WeChatSession, string?> read)
    {
        var ct = http.RequestAborted;
        var (app, error) = await ResolveAppAsync(user, appId, null, apps, ct);
        if (error is not null) return error;
        var token = Present(sessionToken);
        if (token is null) return Envelope.SeedError(WxMiniEnvelope.MissingToken);
        var session = await sessions.FindAsync(app!, token, ct);
        if (session is null) return Envelope.SeedError(WxMiniEnvelope.Unauthorized);
        var value = read(session);
        var result = await flow.RunAsync(BillingCaller.FromApi(http, user).Debit(product), _ => Task.FromResult(WorkResult<string?>.Ok(value)), ct);
        return Envelope.Billed(result, (v, _) => v);
    }

    /// <summary>
    /// Seed 003 <c>POST /wx/mini/v1/{appId}/{secret}/qrcode/unlimited</c> <c>{scene, page?, width?, autoColor?, lineColor?,
    /// isHyaline?}</c> (camelCase; <c>lineColor</c> an object or a JSON string): data = plain base64 of the image. Errors
    /// in family C: 40013/40125 (403) for the app and secret; a rule WeChat would refuse → its errcode (40169 scene
    /// length, 40129 scene characters, 85096 reserved, 40097 other) with 400 and no debit; WeChat's own errcode after the
    /// debit → refunded, 400 for parameter errcodes and 502 otherwise; 402; 500.
    /// </summary>
    internal static async Task<IResult> WxMiniUnlimited(string appId, string secret, HttpContext http, ClaimsPrincipal user,
        MiniProgramAppService apps, MiniProgramCodeCommands commands)
    {
        var ct = http.RequestAborted;
        var (app, appError) = await ResolveAppAsync(user, appId, secret, apps, ct);
        if (appError is not null) return appError;
        var (body, error) = await ApiJson.ReadObjectAsync(http.Request, ct);
        if (error is not null) return Envelope.Error(400, error, code: WeChatErrCodes.InvalidArgs);
        var (scene, sceneError) = ApiJson.OptionalString(body, "scene");
        if (sceneError is not null) return Envelope.Error(400, sceneError, code: WeChatErrCodes.InvalidArgs);
        if (string.IsNullOrEmpty(scene))
            return Envelope.Error(400, "invalid length for scene, or the data is not json string hint: scene参数不能为空", code: WeChatErrCodes.InvalidScene);
        var (input, inputError) = CodeRequestJson.ReadUnlimited(body, CodeRequestJson.CamelCase, null);
        if (inputError is not null) return Envelope.Error(400, inputError, code: WeChatErrCodes.InvalidArgs);

        var result = await commands.GenerateForAppAsync(BillingCaller.FromApi(http, user), app!, input!, ct);
        return Envelope.Billed(result, (code, _) => Convert.ToBase64String(code.Image.Bytes));
    }

    private static WxMiniEnvelope Envelope => WxMiniEnvelope.Instance;

    private static bool IsPlausibleLoginCode(string code) =>
        code.Length <= MaxLoginCodeLength && code.All(c => c is > ' ' and < '\x7f');

    /// <summary>A bound query value (repeated keys arrive joined with commas), trimmed; null when absent or blank.</summary>
    private static string? Present(string? value)
    {
        value = value?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
