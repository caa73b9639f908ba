using Portal.Features.Billing;
using Portal.Features.WeChat;
using Portal.Infrastructure.Api;

namespace Portal.Features.MiniProgramCodes;

/// <summary>A generated (or cached) code as the routes and the page report it.</summary>
/// <param name="Image">The stored image.</param>
/// <param name="FromCache">True when an identical request within <see cref="MiniProgramCodesOptions.CacheTtl"/> answered it without calling WeChat.</param>
public sealed record GeneratedCode(MiniProgramCodeImage Image, bool FromCache);

/// <summary>
/// Why a code request was refused before the debit, carried in <see cref="BilledResult{T}.Detail"/> of an
/// <see cref="BilledStatus.InvalidInput"/> result: the WeChat errcode WeChat would have answered (seed 003 reports
/// it as <c>code</c>), or 40013 for an AppID the caller has not registered.
/// </summary>
/// <param name="ErrCode">WeChat-style errcode.</param>
public sealed record CodeRejection(int ErrCode) : IErrCodeDetail;

/// <summary>
/// The billed code generation shared by seeds 000, 001 and 003 and the portal's Generate page (docs/api.md order):
/// validate (400, no debit) → resolve the owner's app (400, no debit) → debit <c>qrcode.generate</c> (402) → answer
/// from the cache or call WeChat → store → settle; a WeChat errcode (502, <c>detail</c> = <see cref="UpstreamErrorDetail"/>)
/// or a transport failure (500) is refunded. A cache hit is billed like a generation (seed 000).
/// </summary>
public sealed class MiniProgramCodeCommands(
    MiniProgramAppService apps, IWeChatApi wechat, MiniProgramCodeStore store, ChargeFlow flow, ILogger<MiniProgramCodeCommands> log)
{
    /// <summary>
    /// Generates a code for the caller's app <paramref name="appId"/> (must be registered by the caller), or for the
    /// caller's default app when <paramref name="appId"/> is null or blank (seed 001).
    /// </summary>
    public async Task<BilledResult<GeneratedCode>> GenerateAsync(BillingCaller caller, string? appId, CodeRequestInput input, CancellationToken ct)
    {
        var validation = CodeRequestRules.Normalise(input);
        if (validation.Request is null) return await RejectAsync(caller, validation.Error!, validation.ErrCode, ct);

        MiniProgramApp? app;
        if (caller.Test)
        {
            // Test mode needs no registered mini-program: any well-formed AppID, or the simulator's default one.
            appId = string.IsNullOrWhiteSpace(appId) ? WeChatSimulator.DefaultAppId : appId.Trim();
            if (!MiniProgramAppService.IsValidAppId(appId)) return await RejectAsync(caller, $"appid {appId} 格式不正确", WeChatErrCodes.InvalidAppId, ct);
            app = WeChatSimulator.SandboxApp(caller.UserId, appId);
        }
        else if (string.IsNullOrWhiteSpace(appId))
        {
            app = await apps.FindDefaultAsync(caller.UserId, ct);
            if (app is null) return await RejectAsync(caller, "尚未设置默认小程序：请传 appid，或先在门户登记小程序并设为默认", WeChatErrCodes.InvalidAppId, ct);
        }
        else
        {
            app = await apps.FindOwnedByAppIdAsync(caller.UserId, appId, ct);
            if (app is null) return await RejectAsync(caller, $"appid {appId.Trim()} 未在您的账户中登记", WeChatErrCodes.InvalidAppId, ct);
        }
        return await RunAsync(caller, app, validation.Request, ct);
    }

    /// <summary>Generates a code for an app the caller already proved to own (seed 003 checks appId and secret itself).</summary>
    public async Task<BilledResult<GeneratedCode>> GenerateForAppAsync(BillingCaller caller, MiniProgramApp app, CodeRequestInput input, CancellationToken ct)
    {
        var validation = CodeRequestRules.Normalise(input);
        if (validation.Request is null) return await RejectAsync(caller, validation.Error!, validation.ErrCode, ct);
        return await RunAsync(caller, app, validation.Request, ct);
    }

    /// <summary>The WeChat client's interface for <paramref name="kind"/>.</summary>
    public static WxaCodeInterface InterfaceOf(CodeKind kind) => kind switch
    {
        CodeKind.WxaCode => WxaCodeInterface.GetWxaCode,
        CodeKind.WxaCodeUnlimited => WxaCodeInterface.GetWxaCodeUnlimit,
        _ => WxaCodeInterface.CreateWxaQrCode,
    };

    private async Task<BilledResult<GeneratedCode>> RunAsync(BillingCaller caller, MiniProgramApp app, CodeRequest request, CancellationToken ct)
    {
        // A cache hit is billed like a generation (seed 000) and is one write: the debit with its charge already settled.
        // A sandbox image is cached apart from live ones, so a live call is never answered with a test image.
        var hash = CodeRequestRules.Hash(app.IsSandbox ? "sandbox:" + app.AppId : app.AppId, request);
        if (await store.FindCachedAsync(caller.UserId, hash, ct) is { } cached)
            return await flow.RunLocalAsync(caller.Debit(BillableProducts.QrCodeGenerate), () => new LocalWork<GeneratedCode>(new GeneratedCode(cached, FromCache: true), []), ct);

        return await flow.RunAsync(caller.Debit(BillableProducts.QrCodeGenerate), async c =>
        {
            var result = await wechat.GetWxaCodeAsync(app, InterfaceOf(request.Kind), CodeRequestRules.WeChatBody(request), c);
            if (result.Succeeded)
            {
                var image = await store.SaveAsync(caller.UserId, app.AppId, request, hash, result.Value.Bytes, result.Value.ContentType, c);
                return WorkResult<GeneratedCode>.Ok(new GeneratedCode(image, FromCache: false));
            }
            if (result.IsTransportFailure)
            {
                log.LogWarning("WeChat code call for app {AppId} failed in transport: {Reason}", app.AppId, result.ErrMsg);
                return WorkResult<GeneratedCode>.Fail(WorkFailureKind.Internal, "调用微信接口失败（超时或网络错误），费用已退回");
            }
            log.LogInformation("WeChat refused a code for app {AppId}: errcode {ErrCode} {ErrMsg}", app.AppId, result.ErrCode, result.ErrMsg);
            return WorkResult<GeneratedCode>.Fail(WorkFailureKind.Upstream,
                $"微信接口返回错误（errcode {result.ErrCode}）：{result.ErrMsg}，费用已退回",
                new UpstreamErrorDetail(result.ErrCode, result.ErrMsg ?? ""));
        }, ct);
    }

    private async Task<BilledResult<GeneratedCode>> RejectAsync(BillingCaller caller, string message, int errCode, CancellationToken ct) =>
        await flow.RejectAsync<GeneratedCode>(caller, BilledStatus.InvalidInput, message, ct) with { Detail = new CodeRejection(errCode) };
}
