using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Api;

namespace Portal.Features.WeChat;

/// <summary>
/// The <see cref="IWeChatApi"/> implementation over the named <see cref="HttpClient"/> <see cref="HttpClientName"/>
/// (whose default logging handlers are removed because WeChat puts the access_token and AppSecret in URLs). This
/// class logs only the path, never the query.
/// </summary>
public sealed class WeChatApiClient(
    IHttpClientFactory httpFactory, WeChatTokenStore store, AppSecretProtector protector,
    IOptions<WeChatOptions> options, TimeProvider time, ILogger<WeChatApiClient> log) : IWeChatApi
{
    /// <summary>The named HttpClient.</summary>
    public const string HttpClientName = "WeChat";

    private const int MaxBusyRetries = 2;
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] JpegMagic = [0xFF, 0xD8, 0xFF];

    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _gates = new();
    private WeChatOptions Options => options.Value;

    /// <inheritdoc />
    public async Task<WeChatResult<WeChatAccessToken>> GetAccessTokenAsync(MiniProgramApp app, bool forceRefresh, CancellationToken ct)
    {
        if (!forceRefresh && await store.GetValidAsync(app.Id, ct) is { } cached) return WeChatResult<WeChatAccessToken>.Ok(cached);
        if (forceRefresh && await store.TryReserveForcedRefreshAsync(app.Id, ct) is { } refusal)
            return WeChatResult<WeChatAccessToken>.Error(WeChatErrCodes.DailyQuota, refusal);

        var gate = _gates.GetOrAdd(app.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            // Waiting for another instance's refresh is bounded by two lease lifetimes.
            var giveUpAt = time.GetUtcNow() + 2 * Options.RefreshLeaseDuration;
            while (true)
            {
                // Double-checked: the request that held the gate (or another instance) may have refreshed meanwhile.
                if (!forceRefresh && await store.GetValidAsync(app.Id, ct) is { } fresh) return WeChatResult<WeChatAccessToken>.Ok(fresh);
                if (await store.TryAcquireLeaseAsync(app.Id, Options.RefreshLeaseDuration, ct))
                {
                    try
                    {
                        if (!forceRefresh && await store.GetValidAsync(app.Id, ct) is { } other) return WeChatResult<WeChatAccessToken>.Ok(other);
                        var fetched = await FetchStableTokenAsync(app, forceRefresh, ct);
                        if (fetched.Succeeded) await store.SaveAsync(app.Id, fetched.Value, ct);
                        return fetched;
                    }
                    finally
                    {
                        await store.ReleaseLeaseAsync(app.Id);
                    }
                }
                if (time.GetUtcNow() > giveUpAt)
                    return WeChatResult<WeChatAccessToken>.TransportFailure("等待其他实例刷新 access_token 超时");
                await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public Task<WeChatResult<WeChatLogin>> Code2SessionAsync(MiniProgramApp app, string jsCode, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jsCode);
        return WithBusyRetryAsync(c =>
        {
            var query = $"/sns/jscode2session?appid={Uri.EscapeDataString(app.AppId)}&secret={Uri.EscapeDataString(protector.UnprotectSecret(app))}" +
                        $"&js_code={Uri.EscapeDataString(jsCode)}&grant_type=authorization_code";
            return SendJsonAsync(HttpMethod.Get, query, null, ParseLogin, c);
        }, ct);
    }

    /// <inheritdoc />
    public Task<WeChatResult<WeChatImage>> GetWxaCodeAsync(MiniProgramApp app, WxaCodeInterface iface, JsonObject body, CancellationToken ct)
    {
        var path = iface switch
        {
            WxaCodeInterface.GetWxaCode => "/wxa/getwxacode",
            WxaCodeInterface.GetWxaCodeUnlimit => "/wxa/getwxacodeunlimit",
            WxaCodeInterface.CreateWxaQrCode => "/cgi-bin/wxaapp/createwxaqrcode",
            _ => throw new ArgumentOutOfRangeException(nameof(iface)),
        };
        var json = body.ToJsonString();
        return WithAccessTokenAsync(app, (token, c) => SendForImageAsync(path, token, json, c), ct);
    }

    /// <summary>
    /// Runs a call that needs the access token: on 40001/40014/42001 expires exactly the token that failed (if it is
    /// still the stored one), obtains a token again and replays the call once (docs/wechat.md §2.2).
    /// </summary>
    private async Task<WeChatResult<T>> WithAccessTokenAsync<T>(MiniProgramApp app, Func<string, CancellationToken, Task<WeChatResult<T>>> call, CancellationToken ct)
    {
        var token = await GetAccessTokenAsync(app, false, ct);
        if (!token.Succeeded) return token.As<T>();
        var result = await WithBusyRetryAsync(c => call(token.Value.Token, c), ct);
        if (result.Outcome != WeChatOutcome.ErrCode || !WeChatErrCodes.IsAccessTokenError(result.ErrCode)) return result;

        var expired = await store.ExpireIfCurrentAsync(app.Id, token.Value.Token, ct);
        log.LogWarning("WeChat rejected the access token of {AppId} with errcode {ErrCode}; {Action}, retrying once",
            app.AppId, result.ErrCode, expired ? "expired it" : "it was already replaced");
        token = await GetAccessTokenAsync(app, false, ct);
        if (!token.Succeeded) return token.As<T>();
        return await WithBusyRetryAsync(c => call(token.Value.Token, c), ct);
    }

    /// <summary>Retries errcode -1 (system busy) at most twice, waiting <see cref="WeChatOptions.BusyRetryDelay"/>, then double.</summary>
    private async Task<WeChatResult<T>> WithBusyRetryAsync<T>(Func<CancellationToken, Task<WeChatResult<T>>> call, CancellationToken ct)
    {
        var delay = Options.BusyRetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            var result = await call(ct);
            if (result.Outcome != WeChatOutcome.ErrCode || result.ErrCode != WeChatErrCodes.Busy || attempt == MaxBusyRetries) return result;
            if (delay > TimeSpan.Zero) await Task.Delay(delay, time, ct);
            delay *= 2;
        }
    }

    private Task<WeChatResult<WeChatAccessToken>> FetchStableTokenAsync(MiniProgramApp app, bool forceRefresh, CancellationToken ct)
    {
        Task<WeChatResult<WeChatAccessToken>> Once(CancellationToken c)
        {
            var body = new JsonObject
            {
                ["grant_type"] = "client_credential", ["appid"] = app.AppId,
                ["secret"] = protector.UnprotectSecret(app), ["force_refresh"] = forceRefresh,
            }.ToJsonString();
            return SendJsonAsync(HttpMethod.Post, "/cgi-bin/stable_token", body, ParseToken, c);
        }

        // A forced call counts against WeChat's 20-a-day limit: never repeat it automatically.
        return forceRefresh ? Once(ct) : WithBusyRetryAsync(Once, ct);
    }

    private WeChatResult<WeChatAccessToken> ParseToken(JsonElement json)
    {
        if (!json.TryGetProperty("access_token", out var tokenProperty) || tokenProperty.ValueKind != JsonValueKind.String
            || string.IsNullOrEmpty(tokenProperty.GetString()))
            return WeChatResult<WeChatAccessToken>.TransportFailure("stable_token 响应缺少 access_token");
        var expiresIn = json.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var s) && s > 0 ? s : 7200;
        var lifetime = TimeSpan.FromSeconds(expiresIn);
        var margin = Options.TokenExpiryMargin < lifetime / 2 ? Options.TokenExpiryMargin : lifetime / 2;
        var now = time.GetUtcNow();
        return WeChatResult<WeChatAccessToken>.Ok(new WeChatAccessToken(tokenProperty.GetString()!, now, now + lifetime - margin));
    }

    private static WeChatResult<WeChatLogin> ParseLogin(JsonElement json)
    {
        var openId = StringOf(json, "openid");
        var sessionKey = StringOf(json, "session_key");
        if (string.IsNullOrEmpty(openId) || string.IsNullOrEmpty(sessionKey))
            return WeChatResult<WeChatLogin>.TransportFailure("jscode2session 响应缺少 openid 或 session_key");
        var unionId = StringOf(json, "unionid");
        return WeChatResult<WeChatLogin>.Ok(new WeChatLogin(openId, sessionKey, string.IsNullOrEmpty(unionId) ? null : unionId));
    }

    private static string? StringOf(JsonElement json, string name) =>
        json.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    /// <summary>One JSON call: errcode ≠ 0 becomes an error result; otherwise <paramref name="parse"/> reads the body.</summary>
    private async Task<WeChatResult<T>> SendJsonAsync<T>(HttpMethod method, string pathAndQuery, string? jsonBody,
        Func<JsonElement, WeChatResult<T>> parse, CancellationToken ct)
    {
        var response = await SendAsync(method, pathAndQuery, jsonBody, Options.JsonTimeout, ct);
        if (response.Failure is { } failure) return WeChatResult<T>.TransportFailure(failure);
        var (status, _, bytes, _) = response;
        if (!TryParseJson(bytes, out var json))
            return WeChatResult<T>.TransportFailure(status == 200 ? "微信接口返回了无法解析的响应" : $"微信接口返回 HTTP {status}");
        if (ErrorOf(json) is { } error) return LogError<T>(pathAndQuery, error.ErrCode, error.ErrMsg);
        return status == 200 ? parse(json) : WeChatResult<T>.TransportFailure($"微信接口返回 HTTP {status}");
    }

    /// <summary>
    /// One image call (docs/wechat.md §5.1): PNG/JPEG magic bytes or an <c>image/*</c> Content-Type with a non-JSON body
    /// is the image; a JSON (or <c>{</c>-starting) body is parsed for its errcode; an empty body is a failure.
    /// </summary>
    private async Task<WeChatResult<WeChatImage>> SendForImageAsync(string path, string accessToken, string jsonBody, CancellationToken ct)
    {
        var response = await SendAsync(HttpMethod.Post, $"{path}?access_token={Uri.EscapeDataString(accessToken)}", jsonBody, Options.ImageTimeout, ct);
        if (response.Failure is { } failure) return WeChatResult<WeChatImage>.TransportFailure(failure);
        var (status, contentType, bytes, _) = response;
        if (bytes.Length == 0) return WeChatResult<WeChatImage>.TransportFailure($"微信接口返回空响应（HTTP {status}）");

        var sniffed = bytes.AsSpan().StartsWith(PngMagic) ? "image/png" : bytes.AsSpan().StartsWith(JpegMagic) ? "image/jpeg" : null;
        if (sniffed is not null && status == 200) return WeChatResult<WeChatImage>.Ok(new WeChatImage(bytes, sniffed));

        var looksJson = contentType is not null && (contentType.Contains("json", StringComparison.OrdinalIgnoreCase) || contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
                        || FirstNonWhitespace(bytes) == (byte)'{';
        if (looksJson && TryParseJson(bytes, out var json))
        {
            if (ErrorOf(json) is { } error) return LogError<WeChatImage>(path, error.ErrCode, error.ErrMsg);
            return WeChatResult<WeChatImage>.TransportFailure("微信接口返回了 JSON 而不是图片");
        }
        if (status == 200 && contentType is not null && contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            return WeChatResult<WeChatImage>.Ok(new WeChatImage(bytes, contentType.Split(';')[0].Trim().ToLowerInvariant()));
        return WeChatResult<WeChatImage>.TransportFailure(status == 200 ? "微信接口返回了无法识别的内容" : $"微信接口返回 HTTP {status}");
    }

    private readonly record struct RawResponse(int Status, string? ContentType, byte[] Bytes, string? Failure = null);

    /// <summary>Sends one request with its own timeout. The logged path has no query (which carries secrets).</summary>
    private async Task<RawResponse> SendAsync(HttpMethod method, string pathAndQuery, string? jsonBody, TimeSpan timeout, CancellationToken ct)
    {
        var logPath = RedactedPath(pathAndQuery);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
            if (jsonBody is not null)
                request.Content = new StringContent(jsonBody, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            using var response = await httpFactory.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token);
            var bytes = await response.Content.ReadAsByteArrayAsync(cts.Token);
            log.LogDebug("WeChat {Method} {Path} answered HTTP {Status} ({Bytes} bytes) in {Elapsed} ms", method, logPath,
                (int)response.StatusCode, bytes.Length, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return new RawResponse((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, bytes);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            log.LogWarning("WeChat {Method} {Path} timed out after {Timeout} ms", method, logPath, (long)timeout.TotalMilliseconds);
            return new RawResponse(0, null, [], "微信接口超时");
        }
        catch (HttpRequestException ex)
        {
            // The exception message may include the request URI on some handlers: log only its type and error kind.
            log.LogWarning("WeChat {Method} {Path} failed: {Error} ({Kind})", method, logPath, ex.GetType().Name, ex.HttpRequestError);
            return new RawResponse(0, null, [], "无法连接微信接口");
        }
    }

    private WeChatResult<T> LogError<T>(string pathAndQuery, int errCode, string errMsg)
    {
        log.LogWarning("WeChat {Path} answered errcode {ErrCode}: {ErrMsg}", RedactedPath(pathAndQuery), errCode, errMsg);
        return WeChatResult<T>.Error(errCode, errMsg);
    }

    private static (int ErrCode, string ErrMsg)? ErrorOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("errcode", out var code) || !code.TryGetInt32(out var errCode) || errCode == 0) return null;
        return (errCode, StringOf(json, "errmsg") ?? "");
    }

    private static bool TryParseJson(byte[] bytes, out JsonElement json)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            json = doc.RootElement.Clone();
            return json.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            json = default;
            return false;
        }
    }

    private static byte FirstNonWhitespace(byte[] bytes)
    {
        foreach (var b in bytes)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return b;
        return 0;
    }

    /// <summary>The path without its query string, which may carry <c>secret</c> or <c>access_token</c>.</summary>
    internal static string RedactedPath(string pathAndQuery)
    {
        var q = pathAndQuery.IndexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery[..q];
    }
}
