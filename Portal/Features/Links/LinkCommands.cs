using Portal.Features.Billing;

namespace Portal.Features.Links;

/// <summary>
/// The billed link operations, shared by the API (seed 002) and the portal's forms: validate (no debit on bad
/// input), then one write through <see cref="ChargeFlow.RunLocalAsync{T}"/>: the debit, the new link and the charge.
/// </summary>
public sealed class LinkCommands(LinkService links, ChargeFlow flow, Microsoft.Extensions.Options.IOptions<LinksOptions> options)
{
    /// <summary>Shortens <paramref name="longUrl"/> (product <c>shortlink.create</c>).</summary>
    public async Task<BilledResult<ShortLink>> CreateShortLinkAsync(BillingCaller caller, string? longUrl, IReadOnlyCollection<string> ownHosts, CancellationToken ct)
    {
        var (url, error) = ShortLinkTarget.Validate(longUrl, ownHosts, options.Value.BlockedDomains);
        if (error is not null) return await flow.RejectAsync<ShortLink>(caller, BilledStatus.InvalidInput, error, ct);
        return await flow.RunLocalAsync(caller.Debit(BillableProducts.ShortLinkCreate), () =>
        {
            var link = links.NewShortLink(caller.UserId, url!);
            return new LocalWork<ShortLink>(link, [link]);
        }, ct);
    }

    /// <summary>Creates <c>mp://{code}</c> for an AppID and page path (product <c>mplink.create</c>).</summary>
    public async Task<BilledResult<MiniProgramLink>> CreateMiniProgramLinkAsync(BillingCaller caller, string? appId, string? pagePath, CancellationToken ct)
    {
        appId = appId?.Trim();
        if (string.IsNullOrEmpty(appId)) return await flow.RejectAsync<MiniProgramLink>(caller, BilledStatus.InvalidInput, "缺少参数 appid", ct);
        if (!MiniProgramPage.IsAppId(appId))
            return await flow.RejectAsync<MiniProgramLink>(caller, BilledStatus.InvalidInput, "appid 格式不正确（应为 wx 开头的 18 位 AppID）", ct);
        var (page, error) = MiniProgramPage.Validate(pagePath);
        if (error is not null) return await flow.RejectAsync<MiniProgramLink>(caller, BilledStatus.InvalidInput, error, ct);
        return await flow.RunLocalAsync(caller.Debit(BillableProducts.MiniProgramLinkCreate), () =>
        {
            var link = links.NewMiniProgramLink(caller.UserId, appId, page!);
            return new LocalWork<MiniProgramLink>(link, [link]);
        }, ct);
    }

    /// <summary>
    /// Decodes one of the caller's <c>mp://</c> links (product <c>mplink.decode</c>). An unknown link, another owner's
    /// link, or a string that is not an <c>mp://</c> link is a 404 without a debit.
    /// </summary>
    public async Task<BilledResult<MiniProgramLink>> DecodeMiniProgramLinkAsync(BillingCaller caller, string? link, CancellationToken ct)
    {
        link = link?.Trim();
        if (string.IsNullOrEmpty(link)) return await flow.RejectAsync<MiniProgramLink>(caller, BilledStatus.InvalidInput, "缺少参数 link", ct);
        var found = await links.FindMiniProgramLinkAsync(caller.UserId, link, ct);
        if (found is null) return await flow.RejectAsync<MiniProgramLink>(caller, BilledStatus.NotFound, "短链不存在或不是 mp:// 小程序短链", ct);
        return await flow.RunLocalAsync(caller.Debit(BillableProducts.MiniProgramLinkDecode), () => new LocalWork<MiniProgramLink>(found, []), ct);
    }
}
