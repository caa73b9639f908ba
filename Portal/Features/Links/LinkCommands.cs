using Portal.Features.Billing;

namespace Portal.Features.Links;

/// <summary>
/// The billed link operations, shared by the API (seed 002) and the portal's forms: validate (no debit on bad
/// input), then one write through <see cref="ChargeFlow.RunLocalAsync{T}"/>: the debit, the new link and the charge.
/// </summary>
public sealed class LinkCommands(LinkService links, ChargeFlow flow, Microsoft.Extensions.Options.IOptions<LinksOptions> options, TimeProvider time)
{
    /// <summary>Shortens <paramref name="longUrl"/> (product <c>shortlink.create</c>).</summary>
    public Task<BilledResult<ShortLink>> CreateShortLinkAsync(BillingCaller caller, string? longUrl, IReadOnlyCollection<string> ownHosts, CancellationToken ct) =>
        CreateShortLinkAsync(caller, longUrl, ShortLinkDetails.None, ownHosts, ct);

    /// <summary>
    /// Shortens <paramref name="longUrl"/> with optional <paramref name="details"/> (slug, title, tags, expiry, maximum
    /// visits; product <c>shortlink.create</c>). The target and the details are validated, and a chosen slug checked to
    /// be free, before any debit; a slug taken by a concurrent request in the meantime is refused the same way, nothing
    /// charged. A test-mode caller's link lives at most a day and serves at most 100 visits
    /// (<see cref="ShortLinkDetails.ForTestMode"/>).
    /// </summary>
    public async Task<BilledResult<ShortLink>> CreateShortLinkAsync(BillingCaller caller, string? longUrl, ShortLinkDetails details, IReadOnlyCollection<string> ownHosts, CancellationToken ct)
    {
        var (url, error) = ShortLinkTarget.Validate(longUrl, ownHosts, options.Value.BlockedDomains);
        if (error is not null) return await flow.RejectAsync<ShortLink>(caller, BilledStatus.InvalidInput, error, ct);
        var now = time.GetUtcNow();
        var (valid, detailsError) = details.Validate(now);
        if (detailsError is null && caller.Test) (valid, detailsError) = valid!.ForTestMode(now);
        if (detailsError is not null) return await flow.RejectAsync<ShortLink>(caller, BilledStatus.InvalidInput, detailsError, ct);
        if (valid!.Slug is { } slug && await links.IsCodeTakenAsync(slug, ct))
            return await flow.RejectAsync<ShortLink>(caller, BilledStatus.InvalidInput, ShortLinkSlug.TakenError, ct);
        var result = await flow.RunLocalAsync(caller.Debit(BillableProducts.ShortLinkCreate), () =>
        {
            var link = links.NewShortLink(caller.UserId, url!, valid);
            return new LocalWork<ShortLink>(link, [link]);
        }, ct);
        // A chosen slug cannot be drawn again: a collision at the insert means another request took it first (no debit).
        if (result.Status == BilledStatus.InternalError && valid.Slug is { } raced && await links.IsCodeTakenAsync(raced, ct))
            return await flow.RejectAsync<ShortLink>(caller, BilledStatus.InvalidInput, ShortLinkSlug.TakenError, ct);
        return result;
    }

    /// <summary>
    /// Owner: changes a link's target and details (not its code, not billed), with exactly the rules of creation. The
    /// target is stored as validation normalised it. Returns an error message (Chinese), <see cref="NotFound"/> when
    /// the user has no such live link, or null on success.
    /// </summary>
    public async Task<string?> UpdateShortLinkAsync(string userId, Guid id, string? longUrl, ShortLinkDetails details, IReadOnlyCollection<string> ownHosts, CancellationToken ct)
    {
        var (url, error) = ShortLinkTarget.Validate(longUrl, ownHosts, options.Value.BlockedDomains);
        if (error is not null) return error;
        var (valid, detailsError) = (details with { Slug = null }).Validate(time.GetUtcNow());
        if (detailsError is not null) return detailsError;
        return await links.UpdateShortLinkAsync(userId, id, url!, valid!, ct) ? null : NotFound;
    }

    /// <summary>Answer of <see cref="UpdateShortLinkAsync"/> when the link is not the user's or is gone.</summary>
    public const string NotFound = "短链不存在";

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
