using System.Text.Json.Nodes;

namespace Portal.Features.WeChat;

/// <summary>
/// Portal's hand-written WeChat server-API client (docs/wechat.md §2, §3, §5). Never throws for WeChat errors or
/// transport failures: every outcome is a <see cref="WeChatResult{T}"/>. Only cancellation of
/// <c>ct</c> by the caller throws <see cref="OperationCanceledException"/>. AppSecrets and access tokens never appear
/// in a log line.
/// </summary>
public interface IWeChatApi
{
    /// <summary>
    /// The app's centrally managed access token (<c>POST /cgi-bin/stable_token</c>, normal mode), from the shared
    /// database store while valid, else fetched once (single-flight in-process and across instances).
    /// </summary>
    /// <param name="app">The registered app.</param>
    /// <param name="forceRefresh">
    /// True only for the admin's force refresh: calls stable_token with <c>force_refresh=true</c>, which invalidates
    /// the previous token everywhere. Limited to one per 30 s and 20 a day per app; beyond that the result is errcode
    /// 45009 without calling WeChat.
    /// </param>
    /// <param name="ct">Cancellation.</param>
    Task<WeChatResult<WeChatAccessToken>> GetAccessTokenAsync(MiniProgramApp app, bool forceRefresh, CancellationToken ct);

    /// <summary>
    /// <c>GET /sns/jscode2session</c> (docs/wechat.md §3): exchanges a <c>wx.login</c> code. Never retried on 40029/40163
    /// (single-use codes); retried on -1 at most twice.
    /// </summary>
    Task<WeChatResult<WeChatLogin>> Code2SessionAsync(MiniProgramApp app, string jsCode, CancellationToken ct);

    /// <summary>
    /// Calls one mini-program code endpoint (docs/wechat.md §5) with <paramref name="body"/> sent as JSON as given (the
    /// caller validates it) and the access token in the query. Returns the image with its detected MIME type, or
    /// WeChat's errcode (a JSON body). On 40001/40014/42001 the failed token is expired and the call replayed once;
    /// on -1 retried at most twice. Timeout about 10 s per attempt.
    /// </summary>
    Task<WeChatResult<WeChatImage>> GetWxaCodeAsync(MiniProgramApp app, WxaCodeInterface iface, JsonObject body, CancellationToken ct);
}
