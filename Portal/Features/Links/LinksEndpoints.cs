using System.Net;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Infrastructure;
using Portal.Infrastructure.Api;
using Portal.Infrastructure.Api.OpenApi;
using Portal.Infrastructure.Http;

namespace Portal.Features.Links;

/// <summary>Seed 002 §3 success body.</summary>
public sealed record ShortLinkResponse(
    [property: JsonPropertyName("code")] int Code, [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("short_url")] string ShortUrl, [property: JsonPropertyName("current_balance")] string CurrentBalance);

/// <summary>Seed 002 §1 success body.</summary>
public sealed record MiniProgramLinkResponse(
    [property: JsonPropertyName("code")] int Code, [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("miniprogram_link")] string MiniProgramLink, [property: JsonPropertyName("current_balance")] string CurrentBalance);

/// <summary>Seed 002 §2 success body.</summary>
public sealed record DecodeLinkResponse(
    [property: JsonPropertyName("code")] int Code, [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("appid")] string AppId, [property: JsonPropertyName("page")] string Page,
    [property: JsonPropertyName("current_balance")] string CurrentBalance);

/// <summary>
/// Seed 002 §3 request body (documentation only; bodies are read by <see cref="ApiJson"/>), with the optional
/// short-link details; a body with <c>longUrl</c> alone is the seed's request and is answered exactly as before.
/// </summary>
/// <param name="LongUrl">The address to shorten.</param>
/// <param name="Slug">Optional chosen code: 3–32 of <c>A–Z a–z 0–9 - _</c>, starting with a letter or digit; not a reserved word, not taken.</param>
/// <param name="Title">Optional label, at most 100 characters.</param>
/// <param name="Tags">Optional tags: at most 10, each 1–24 letters, digits, <c>-</c> or <c>_</c>.</param>
/// <param name="ExpiresAt">Optional ISO 8601 instant with offset, in the future; after it visitors get a 410 page.</param>
/// <param name="MaxVisits">Optional 1–1000000000; after that many redirects visitors get a 410 page.</param>
public sealed record ShortLinkRequest(
    [property: JsonPropertyName("longUrl")] string LongUrl,
    [property: JsonPropertyName("slug")] string? Slug = null,
    [property: JsonPropertyName("title")] string? Title = null,
    [property: JsonPropertyName("tags")] IReadOnlyList<string>? Tags = null,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset? ExpiresAt = null,
    [property: JsonPropertyName("maxVisits")] long? MaxVisits = null);

/// <summary>Seed 002 §1 request body.</summary>
public sealed record MiniProgramLinkRequest([property: JsonPropertyName("appid")] string AppId, [property: JsonPropertyName("pagepath")] string PagePath);

/// <summary>Seed 002 §2 request body.</summary>
public sealed record DecodeLinkRequest([property: JsonPropertyName("link")] string Link);

/// <summary>Seed 002 routes (family A envelope) and the public <c>/s/{code}</c> and <c>/m/{code}</c> pages.</summary>
public static class LinksEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapLinksEndpoints(this IEndpointRouteBuilder app)
    {
        // Accepts lists "*/*" besides JSON: with JSON alone, routing answers any other Content-Type with its own 415
        // page before authentication; ApiJson must answer it as a 400 in the envelope (docs/api.md).
        var api = app.MapGroup("").WithTags(OpenApiTags.Links).WithMetadata(GatewayEnvelope.Instance)
            .RequireApiToken().DisableAntiforgery();
        api.MapPost("/generate-shortlink", GenerateShortLink).WithName("GenerateShortLink")
            .WithSummary("Create a short link to a web address")
            .WithDescription("Stores `longUrl` (an absolute http or https address of at most 2048 characters) and answers its short link " +
                "`{base}/s/{code}`, which redirects with 302. Billed. Addresses that are not globally reachable, IP literals outside " +
                "public unicast space, look-alike hosts and blocked domains are refused with 400 before any charge. Optional fields: " +
                "`slug` (the code to use instead of a random one: 3–32 of `A-Z a-z 0-9 - _`, starting with a letter or digit; reserved " +
                "words such as `api`, `admin`, `account` and a slug already taken are refused with 400), `title` (≤ 100 characters), " +
                "`tags` (array of at most 10 strings of 1–24 letters, digits, `-` or `_`), `expiresAt` (ISO 8601 instant with offset, " +
                "in the future) and `maxVisits` (1–1000000000); an expired link, or one whose visits reached `maxVisits`, answers " +
                "visitors with a 410 page. Any invalid optional field is a 400 before any charge. The response is the same with or without them.")
            .Accepts<ShortLinkRequest>("application/json", "*/*")
            .Produces<ShortLinkResponse>().Produces<GatewayError>(400).Produces<GatewayError>(401).Produces<GatewayError>(402).Produces<GatewayError>(500);
        api.MapPost("/generate-miniprogram-link", GenerateMiniProgramLink).WithName("GenerateMiniProgramLink")
            .WithSummary("Create an mp:// link to a mini-program page")
            .WithDescription("Stores the AppID and page and answers `mp://{code}`; its landing page `{base}/m/{code}` opens the " +
                "mini-program from a phone. Any well-formed AppID may be named: the mini-program need not be registered here. Billed.")
            .Accepts<MiniProgramLinkRequest>("application/json", "*/*")
            .Produces<MiniProgramLinkResponse>().Produces<GatewayError>(400).Produces<GatewayError>(401).Produces<GatewayError>(402).Produces<GatewayError>(500);
        api.MapPost("/decode-link", DecodeLink).WithName("DecodeLink")
            .WithSummary("Read the AppID and page behind an mp:// link")
            .WithDescription("Answers the AppID and page an `mp://` link was created with. An unknown link, or one that is not `mp://`, " +
                "is 404 and is not charged.")
            .Accepts<DecodeLinkRequest>("application/json", "*/*")
            .Produces<DecodeLinkResponse>().Produces<GatewayError>(400).Produces<GatewayError>(401).Produces<GatewayError>(402)
            .Produces<GatewayError>(404).Produces<GatewayError>(500);

        var pub = app.MapGroup("").WithTags(OpenApiTags.PublicLinks).AllowAnonymous().WithMetadata(PublicPage.Marker);
        pub.MapGet("/s/{code}", VisitShortLink).WithName("VisitShortLink").WithSummary("Follow a short link")
            .WithDescription("Redirects (302) to the stored address and counts the visit. The `Location` header is ASCII: an " +
                "internationalised host is written in punycode. An unknown or deleted link is a 404 page; one that was disabled, has expired or has reached its " +
                "maximum number of visits is a 410 page (in Chinese and English). Visits are counted per day, referrer host and device class; no address is kept.")
            .Produces(302).Produces(404, contentType: "text/html").Produces(410, contentType: "text/html");
        pub.MapGet("/m/{code}", OpenMiniProgramLink).WithName("OpenMiniProgramLink").WithSummary("Open the landing page of an mp:// link")
            .WithDescription("An HTML page that opens the mini-program through `weixin://dl/business/`: on a phone or inside WeChat it " +
                "follows the scheme by itself; on a desktop it shows a QR code of the page to scan with WeChat. The answer varies by `User-Agent`.")
            .Produces(200, contentType: "text/html").Produces(404, contentType: "text/html");

        // The owner's QR code downloads (portal cookie, not the API): not part of the public API description.
        app.MapGet("/links/short/{id:guid}/qr.{format}", ShortLinkQrCode).RequireAuthorization().WithName("ShortLinkQrCode").ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// A QR code of one of the signed-in user's short links (<c>{base}/s/{code}</c>) as <c>png</c> or <c>svg</c>, as an
    /// attachment named after the code. 404 for another owner's link, a deleted one or another format.
    /// </summary>
    internal static async Task<IResult> ShortLinkQrCode(Guid id, string format, HttpRequest request, ClaimsPrincipal user, LinkService links, PublicUrls urls, CancellationToken ct)
    {
        if (format is not ("png" or "svg")) return TypedResults.NotFound();
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null || await links.GetShortLinkAsync(userId, id, ct) is not { } link) return TypedResults.NotFound();
        var (bytes, type) = ShortLinkQr.Render(urls.Absolute(request, "/s/" + link.Code), format);
        return TypedResults.File(bytes, type, $"shortlink-{link.Code}.{format}");
    }

    internal static async Task<IResult> GenerateShortLink(HttpContext http, ClaimsPrincipal user, LinkCommands commands, PublicUrls urls)
    {
        var (body, error) = await ApiJson.ReadObjectAsync(http.Request, http.RequestAborted);
        if (error is not null) return Envelope.Refusal(400, error);
        var (longUrl, fieldError) = ApiJson.RequiredString(body, "longUrl");
        if (fieldError is not null) return Envelope.Refusal(400, fieldError);
        var (details, detailsError) = ReadShortLinkDetails(body);
        if (detailsError is not null) return Envelope.Refusal(400, detailsError);

        var result = await commands.CreateShortLinkAsync(BillingCaller.FromApi(http, user), longUrl, details!, urls.OwnHosts(http.Request), http.RequestAborted);
        return Envelope.Billed(result, (link, balance) =>
            new ShortLinkResponse(200, "短链生成成功，费用已扣除", urls.Absolute(http.Request, "/s/" + link.Code), Money.Format(balance)));
    }

    /// <summary>
    /// The optional fields of a short-link request (<see cref="ShortLinkRequest"/>): each may be absent or null; one
    /// present with the wrong JSON type is an error naming it. Values are checked later by <see cref="ShortLinkDetails.Validate"/>.
    /// </summary>
    internal static (ShortLinkDetails? Details, string? Error) ReadShortLinkDetails(System.Text.Json.JsonElement body)
    {
        var (slug, slugError) = ApiJson.OptionalString(body, "slug");
        if (slugError is not null) return (null, slugError);
        var (title, titleError) = ApiJson.OptionalString(body, "title");
        if (titleError is not null) return (null, titleError);
        List<string>? tags = null;
        if (body.TryGetProperty("tags", out var t) && t.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            if (t.ValueKind != System.Text.Json.JsonValueKind.Array || t.EnumerateArray().Any(e => e.ValueKind != System.Text.Json.JsonValueKind.String))
                return (null, "参数 tags 必须是字符串数组");
            tags = t.EnumerateArray().Select(e => e.GetString()!).ToList();
        }
        var (expires, expiresError) = ApiJson.OptionalString(body, "expiresAt");
        if (expiresError is not null) return (null, expiresError);
        DateTimeOffset? expiresAt = null;
        if (expires is not null)
        {
            // An instant needs its offset: "2026-12-31T23:59:59" alone would mean a different moment to each reader.
            if (!System.Text.RegularExpressions.Regex.IsMatch(expires, @"(Z|[+-]\d{2}:?\d{2})$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)
                || !DateTimeOffset.TryParse(expires, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed))
                return (null, ShortLinkDetails.ExpiresAtFormatError);
            expiresAt = parsed;
        }
        long? maxVisits = null;
        if (body.TryGetProperty("maxVisits", out var m) && m.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            if (m.ValueKind != System.Text.Json.JsonValueKind.Number || !m.TryGetInt64(out var max)) return (null, ShortLinkDetails.MaxVisitsError);
            maxVisits = max;
        }
        return (new ShortLinkDetails(slug, title, tags, expiresAt, maxVisits), null);
    }

    internal static async Task<IResult> GenerateMiniProgramLink(HttpContext http, ClaimsPrincipal user, LinkCommands commands)
    {
        var (body, error) = await ApiJson.ReadObjectAsync(http.Request, http.RequestAborted);
        if (error is not null) return Envelope.Refusal(400, error);
        var (appId, appIdError) = ApiJson.RequiredString(body, "appid");
        var (pagePath, pageError) = ApiJson.RequiredString(body, "pagepath");
        if ((appIdError ?? pageError) is { } fieldError) return Envelope.Refusal(400, fieldError);

        var result = await commands.CreateMiniProgramLinkAsync(BillingCaller.FromApi(http, user), appId, pagePath, http.RequestAborted);
        return Envelope.Billed(result, (link, balance) =>
            new MiniProgramLinkResponse(200, "小程序短链生成成功，费用已扣除", LinkService.MiniProgramScheme + link.Code, Money.Format(balance)));
    }

    internal static async Task<IResult> DecodeLink(HttpContext http, ClaimsPrincipal user, LinkCommands commands)
    {
        var (body, error) = await ApiJson.ReadObjectAsync(http.Request, http.RequestAborted);
        if (error is not null) return Envelope.Refusal(400, error);
        var (link, fieldError) = ApiJson.RequiredString(body, "link");
        if (fieldError is not null) return Envelope.Refusal(400, fieldError);

        var result = await commands.DecodeMiniProgramLinkAsync(BillingCaller.FromApi(http, user), link, http.RequestAborted);
        return Envelope.Billed(result, (found, balance) =>
            new DecodeLinkResponse(200, "短链解码成功，费用已扣除", found.AppId, found.PagePath, Money.Format(balance)));
    }

    private static GatewayEnvelope Envelope => GatewayEnvelope.Instance;

    internal static async Task<IResult> VisitShortLink(string code, HttpRequest request, LinkService links, CancellationToken ct)
    {
        var visit = await links.VisitShortLinkAsync(code, request.Headers.Referer, request.Headers.UserAgent, ct);
        return visit switch
        {
            null => PublicPage.Html(404, "短链不存在", "这个短链不存在或已被删除。", "The short link does not exist or was removed."),
            { State: ShortLinkState.Disabled } => PublicPage.Html(410, "短链已停用", "这个短链已被停用，无法继续访问。", "This short link has been disabled."),
            { State: ShortLinkState.Expired } => PublicPage.Html(410, "短链已过期", "这个短链已过有效期，无法继续访问。如需访问，请联系分享链接的人。",
                "This short link has expired. Ask whoever shared it for a new one."),
            { State: ShortLinkState.Exhausted } => PublicPage.Html(410, "短链访问次数已用完", "这个短链已达到最大访问次数，无法继续访问。如需访问，请联系分享链接的人。",
                "This short link has reached its maximum number of visits. Ask whoever shared it for a new one."),
            // A Location header is ASCII only; a target that cannot be written as one is shown, never a 500.
            _ when ShortLinkTarget.AsLocation(visit.Target!) is { } location => TypedResults.Redirect(location),
            _ => PublicPage.Html(410, "短链目标无效", "这个短链的目标地址无法打开。", "The target of this short link is not a valid address."),
        };
    }

    internal static async Task<IResult> OpenMiniProgramLink(string code, HttpRequest request, LinkService links, PublicUrls urls, CancellationToken ct)
    {
        var link = await links.VisitMiniProgramLinkAsync(code, ct);
        if (link is null) return PublicPage.Html(404, "链接不存在", "这个小程序链接不存在或已被删除。", "The mini-program link does not exist.");
        var scheme = WeChatScheme(link.AppId, link.PagePath);
        // A desktop visitor scans this page's own address with WeChat on a phone (the weixin:// scheme opens the
        // mini-program only on a phone), so only phones and WeChat itself are sent on to the scheme.
        var pageUrl = urls.Absolute(request, "/m/" + link.Code);
        request.HttpContext.Response.Headers.Vary = "User-Agent";
        var device = VisitorDevices.Classify(request.Headers.UserAgent);
        return MiniProgramLandingPage.Render(link.AppId, link.PagePath, scheme, pageUrl, autoOpen: device != VisitorDevice.Desktop);
    }

    /// <summary>
    /// WeChat's plaintext URL scheme (docs/wechat.md §6): <c>weixin://dl/business/?appid=…&amp;path=…&amp;query=…</c>, the
    /// query URL-encoded as one parameter value.
    /// </summary>
    public static string WeChatScheme(string appId, string pagePath)
    {
        var (page, query) = MiniProgramPage.Split(pagePath);
        var url = $"weixin://dl/business/?appid={Uri.EscapeDataString(appId)}&path={Uri.EscapeDataString(page)}";
        return query.Length == 0 ? url : url + "&query=" + Uri.EscapeDataString(query);
    }
}

/// <summary>QR codes of short links (QRCoder, error correction M: about 15% of the code may be damaged).</summary>
public static class ShortLinkQr
{
    /// <summary>The QR code of <paramref name="url"/>: <c>png</c> (8 pixels a module) or <c>svg</c> (scalable).</summary>
    /// <returns>The bytes and their content type.</returns>
    public static (byte[] Bytes, string ContentType) Render(string url, string format)
    {
        using var generator = new QRCoder.QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCoder.QRCodeGenerator.ECCLevel.M);
        return format == "svg"
            ? (System.Text.Encoding.UTF8.GetBytes(new QRCoder.SvgQRCode(data).GetGraphic(8)), "image/svg+xml")
            : (new QRCoder.PngByteQRCode(data).GetGraphic(8), "image/png");
    }
}
