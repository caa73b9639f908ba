using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.Net.Http.Headers;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Features.Links;
using Portal.Features.WeChat;
using Portal.Infrastructure;
using Portal.Infrastructure.Api;
using Portal.Infrastructure.Api.OpenApi;
using Portal.Infrastructure.Http;

namespace Portal.Features.MiniProgramCodes;

/// <summary>Seed 000 request body (documentation only; bodies are read by <see cref="ApiJson"/>).</summary>
public sealed record GenerateQrRequest(
    [property: JsonPropertyName("appid")] string AppId, [property: JsonPropertyName("pagepath")] string PagePath,
    [property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("scene")] string? Scene = null,
    [property: JsonPropertyName("width")] int? Width = null, [property: JsonPropertyName("auto_color")] bool? AutoColor = null,
    [property: JsonPropertyName("line_color")] object? LineColor = null, [property: JsonPropertyName("is_hyaline")] bool? IsHyaline = null,
    [property: JsonPropertyName("env_version")] string? EnvVersion = null, [property: JsonPropertyName("check_path")] bool? CheckPath = null);

/// <summary>Seed 000 success body: <c>{code:200, msg, qrcode_url, current_balance}</c>.</summary>
public sealed record GenerateQrResponse(
    [property: JsonPropertyName("code")] int Code, [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("qrcode_url")] string QrCodeUrl, [property: JsonPropertyName("current_balance")] string CurrentBalance);

/// <summary>Seed 001 request body (documentation only).</summary>
public sealed record H5QrCodeRequest(
    [property: JsonPropertyName("scene")] string Scene, [property: JsonPropertyName("page")] string? Page = null,
    [property: JsonPropertyName("check_path")] bool? CheckPath = null, [property: JsonPropertyName("env_version")] string? EnvVersion = null,
    [property: JsonPropertyName("width")] int? Width = null, [property: JsonPropertyName("auto_color")] bool? AutoColor = null,
    [property: JsonPropertyName("line_color")] object? LineColor = null, [property: JsonPropertyName("is_hyaline")] bool? IsHyaline = null,
    [property: JsonPropertyName("appid")] string? AppId = null);

/// <summary>Seed 001 §2 <c>data</c>: <c>{qrcode, base64, size, scene, page, width}</c>.</summary>
public sealed record H5QrCodeData(
    [property: JsonPropertyName("qrcode")] string QrCode, [property: JsonPropertyName("base64")] string Base64,
    [property: JsonPropertyName("size")] int Size, [property: JsonPropertyName("scene")] string Scene,
    [property: JsonPropertyName("page")] string Page, [property: JsonPropertyName("width")] int Width);

/// <summary>
/// Routes of mini-program codes: seed 000 <c>POST /generate-qr</c> (family A), seed 001 <c>POST /api/h5/qrcode/generate</c>
/// and <c>/generate-base64</c> (family B), and the public image <c>GET /codes/{publicId}</c>. Seed 003's
/// <c>qrcode/unlimited</c> sits with the other seed-003 routes in <see cref="WxMiniEndpoints"/>.
/// </summary>
public static class MiniProgramCodesEndpoints
{
    /// <summary>Seed 001's Cache-Control for a generated image.</summary>
    public const string H5CacheControl = H5Envelope.ImageCacheControl;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapMiniProgramCodesEndpoints(this IEndpointRouteBuilder app)
    {
        // Accepts lists "*/*" besides JSON (as LinksEndpoints does): with JSON alone, routing answers any other
        // Content-Type with its own HTML page; ApiJson must answer it as a 400 in the route's envelope (docs/api.md).
        var gateway = app.MapGroup("").WithTags(OpenApiTags.Codes).WithMetadata(GatewayEnvelope.Instance)
            .RequireApiToken().DisableAntiforgery();
        gateway.MapPost("/generate-qr", GenerateQr).WithName("GenerateQr")
            .WithSummary("Generate a mini-program code and answer its address")
            .WithDescription("`type` picks WeChat's interface: `wxcode` and `wxcode_a` call getwxacode (limited number of codes), " +
                "`wxcode_b` getwxacodeunlimit (unlimited, needs a scene), `wxcode_c` and `qrcode` createwxaqrcode. For `wxcode_b` the " +
                "scene may follow `?` in `pagepath`; an explicit `scene` wins. The image is stored and served at `qrcode_url`. An identical " +
                "request within the cache lifetime reuses the stored image (still billed, and `msg` says so). The AppID must be registered " +
                "on the Mini-programs page. A WeChat errcode is 502 with `detail`, refunded.")
            .Accepts<GenerateQrRequest>("application/json", "*/*")
            .Produces<GenerateQrResponse>().Produces<GatewayError>(400).Produces<GatewayError>(401).Produces<GatewayError>(402)
            .Produces<GatewayError>(500).Produces<GatewayError>(502);

        var h5 = app.MapGroup("/api/h5/qrcode").WithTags(OpenApiTags.H5Codes).WithMetadata(H5Envelope.Instance)
            .RequireApiToken().DisableAntiforgery();
        h5.MapPost("/generate", GenerateH5Image).WithName("GenerateH5QrCodeImage")
            .WithSummary("Generate an unlimited mini-program code as an image")
            .WithDescription("Calls WeChat's getwxacodeunlimit and answers the image itself (`image/png`, or `image/jpeg` as WeChat " +
                "sends it for opaque codes). Without `appid` your default mini-program is used. Errors are JSON. Billed; refunded on failure.")
            .Accepts<H5QrCodeRequest>("application/json", "*/*")
            .Produces(200, contentType: "image/png", additionalContentTypes: "image/jpeg")
            .Produces<H5Error>(400).Produces<H5Error>(401).Produces<H5Error>(402).Produces<H5Error>(500).Produces<H5Error>(502);
        h5.MapPost("/generate-base64", GenerateH5Base64).WithName("GenerateH5QrCodeBase64")
            .WithSummary("Generate an unlimited mini-program code as base64")
            .WithDescription("The same code as the image route, answered as JSON: a data URL, the plain base64, its size in bytes, " +
                "and the scene, page and width used. Billed; refunded on failure.")
            .Accepts<H5QrCodeRequest>("application/json", "*/*")
            .Produces<H5Success<H5QrCodeData>>()
            .Produces<H5Error>(400).Produces<H5Error>(401).Produces<H5Error>(402).Produces<H5Error>(500).Produces<H5Error>(502);

        app.MapMethods("/codes/{publicId}", [HttpMethods.Get, HttpMethods.Head], ServeImage).WithName("ServeCodeImage").WithTags(OpenApiTags.PublicCodes)
            .WithSummary("Download a generated code image")
            .WithDescription("The image behind a `qrcode_url`, at an unguessable address, with an `ETag` and caching until it expires " +
                "(`If-None-Match` answers 304). An unknown or expired image is a 404 page.")
            .AllowAnonymous().WithMetadata(PublicPage.Marker)
            .Produces(200, contentType: "image/png", additionalContentTypes: "image/jpeg").Produces(304).Produces(404, contentType: "text/html");
        return app;
    }

    /// <summary>Seed 000: <c>POST /generate-qr {appid, pagepath, type, scene?}</c> plus optional drawing options in WeChat's names.</summary>
    internal static async Task<IResult> GenerateQr(HttpContext http, ClaimsPrincipal user, MiniProgramCodeCommands commands, PublicUrls urls)
    {
        var ct = http.RequestAborted;
        var (body, error) = await ApiJson.ReadObjectAsync(http.Request, ct);
        if (error is not null) return GatewayEnvelope.Instance.Refusal(400, error);
        var (appId, input, inputError) = CodeRequestJson.ReadGenerateQr(body);
        if (inputError is not null) return GatewayEnvelope.Instance.Refusal(400, inputError);

        var result = await commands.GenerateAsync(BillingCaller.FromApi(http, user), appId, input!, ct);
        return GatewayEnvelope.Instance.Billed(result, (code, balance) => new GenerateQrResponse(200,
            code.FromCache ? "葵花码生成成功（命中缓存），费用已扣除" : "葵花码生成成功，费用已扣除",
            ImageUrl(urls, http.Request, code.Image), Money.Format(balance)));
    }

    /// <summary>Seed 001 §1: the image bytes with seed 001's headers.</summary>
    internal static async Task<IResult> GenerateH5Image(HttpContext http, ClaimsPrincipal user, MiniProgramCodeCommands commands)
    {
        var (result, error) = await GenerateH5Async(http, user, commands);
        if (error is not null) return error;
        var image = result!.Value!.Image;
        http.Response.Headers.CacheControl = H5CacheControl;
        http.Response.Headers.ContentDisposition = $"inline; filename=\"qrcode_{CodeRequestRules.FileSafe(image.Scene)}.png\"";
        return TypedResults.Bytes(image.Bytes, image.ContentType);
    }

    /// <summary>Seed 001 §2: <c>{success, code, message:"生成小程序码成功", data:{qrcode, base64, size, scene, page, width}, timestamp}</c>.</summary>
    internal static async Task<IResult> GenerateH5Base64(HttpContext http, ClaimsPrincipal user, MiniProgramCodeCommands commands)
    {
        var (result, error) = await GenerateH5Async(http, user, commands);
        if (error is not null) return error;
        var image = result!.Value!.Image;
        var base64 = Convert.ToBase64String(image.Bytes);
        return H5Envelope.Instance.Success(
            new H5QrCodeData($"data:{image.ContentType};base64,{base64}", base64, image.Size, image.Scene ?? "", image.Page, image.Width),
            "生成小程序码成功");
    }

    /// <summary>
    /// <c>GET /codes/{publicId}</c>: the stored image with its Content-Type, an ETag (the public id; the bytes never
    /// change) and <c>Cache-Control: public, max-age=&lt;seconds until retention ends&gt;, immutable</c>; 304 on a
    /// matching <c>If-None-Match</c>; 404 when unknown or past retention.
    /// </summary>
    internal static async Task<IResult> ServeImage(string publicId, HttpContext http, MiniProgramCodeStore store, TimeProvider time)
    {
        var head = HttpMethods.IsHead(http.Request.Method);
        var image = await store.FindPublicAsync(publicId, http.RequestAborted);
        if (image is null)
            return head ? TypedResults.NotFound() : PublicPage.Html(404, "小程序码不存在", "这个小程序码不存在或已过期。", "The code does not exist or has expired.");

        var maxAge = (long)Math.Clamp((image.ExpiresAt - time.GetUtcNow()).TotalSeconds, 0, 365 * 24 * 3600);
        var etag = $"\"{image.PublicId}\"";
        http.Response.Headers.CacheControl = $"public, max-age={maxAge}, immutable";
        http.Response.Headers.ETag = etag;
        var ifNoneMatch = http.Request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0 && (ifNoneMatch.Trim() == "*" || ifNoneMatch.Split(',').Any(t => t.Trim().TrimStart('W', '/') == etag)))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        if (head)
        {
            // What GET would send, without the bytes.
            http.Response.ContentType = image.ContentType;
            http.Response.ContentLength = image.Bytes.Length;
            http.Response.Headers.LastModified = image.CreatedAt.ToString("R");
            return TypedResults.Ok();
        }
        return TypedResults.Bytes(image.Bytes, image.ContentType, lastModified: image.CreatedAt, entityTag: EntityTagHeaderValue.Parse(etag));
    }

    /// <summary>The absolute public URL of a stored image: <c>{PublicBaseUrl}/codes/{PublicId}</c>.</summary>
    public static string ImageUrl(PublicUrls urls, HttpRequest request, MiniProgramCodeImage image) => urls.Absolute(request, ImagePath(image.PublicId));

    /// <summary>The site-relative path of a stored image.</summary>
    public static string ImagePath(string publicId) => "/codes/" + publicId;

    private static async Task<(BilledResult<GeneratedCode>? Result, IResult? Error)> GenerateH5Async(HttpContext http, ClaimsPrincipal user, MiniProgramCodeCommands commands)
    {
        var ct = http.RequestAborted;
        var (body, error) = await ApiJson.ReadObjectAsync(http.Request, ct);
        if (error is not null) return (null, H5Envelope.Instance.Refusal(400, error));
        var (appId, appIdError) = ApiJson.OptionalString(body, "appid");
        if (appIdError is not null) return (null, H5Envelope.Instance.Refusal(400, appIdError));
        var (input, inputError) = CodeRequestJson.ReadUnlimited(body, CodeRequestJson.SnakeCase, CodeRequestRules.DefaultPage);
        if (inputError is not null) return (null, H5Envelope.Instance.Refusal(400, inputError));

        var result = await commands.GenerateAsync(BillingCaller.FromApi(http, user), appId, input!, ct);
        return result.Succeeded ? (result, null) : (null, H5Envelope.Instance.Failure(result));
    }

}
