using System.Globalization;

namespace Portal.Features.Links;

/// <summary>
/// Rules for a slug the owner chooses instead of a random code: 3–32 characters of <c>A–Z a–z 0–9 - _</c>, starting
/// with a letter or digit, not a reserved word (compared ignoring case), not taken. The same rules serve the API, the
/// form and the visitor route (a random code is a well-formed slug too).
/// </summary>
public static class ShortLinkSlug
{
    /// <summary>Fewest characters of a slug.</summary>
    public const int MinLength = 3;

    /// <summary>Most characters of a slug (also the column length of every code).</summary>
    public const int MaxLength = 32;

    /// <summary>
    /// Words no slug may be, ignoring case: the portal's own first path segments (<c>api</c>, <c>admin</c>, <c>s</c>,
    /// <c>m</c>, <c>account</c>, <c>healthz</c>, …) and words that would read as the operator's own pages.
    /// </summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "api", "admin", "s", "m", "account", "accounts", "healthz", "readyz", "livez", "metrics", "links", "codes", "login",
        "logout", "register", "openapi", "swagger", "docs", "hangfire", "static", "assets", "_framework", "_content",
        "_blazor", "favicon.ico", "robots.txt", "topup", "tokens", "dashboard", "ledger", "settings", "support", "help",
        "portal", "www", "null", "undefined",
    };

    /// <summary>Message when the slug is taken (also the answer of a race lost at the insert).</summary>
    public const string TakenError = "slug 已被占用，请换一个";

    /// <summary>Checks a slug's form (not whether it is taken). Null when acceptable; else a message (Chinese).</summary>
    public static string? Validate(string slug)
    {
        if (slug.Length is < MinLength or > MaxLength) return $"slug 长度应为 {MinLength}–{MaxLength} 个字符";
        if (!char.IsAsciiLetterOrDigit(slug[0]) || !slug.All(IsSlugChar)) return "slug 只能包含字母、数字、- 和 _，并以字母或数字开头";
        if (Reserved.Contains(slug)) return "slug 是保留字，请换一个";
        return null;
    }

    /// <summary>True when <paramref name="code"/> could name a short link (random code or slug); cheap, for the visitor route.</summary>
    public static bool IsWellFormed(string code) =>
        code.Length is >= MinLength and <= MaxLength && char.IsAsciiLetterOrDigit(code[0]) && code.All(IsSlugChar);

    private static bool IsSlugChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}

/// <summary>Tags of a short link: at most 10, each 1–24 letters, digits, <c>-</c> or <c>_</c> (any script), kept in order without duplicates.</summary>
public static class ShortLinkTags
{
    /// <summary>Most tags on one link.</summary>
    public const int MaxCount = 10;

    /// <summary>Longest tag, in characters.</summary>
    public const int MaxTagLength = 24;

    /// <summary>Column length of the joined tags: 10 × 24 characters and 9 commas.</summary>
    public const int MaxStoredLength = MaxCount * MaxTagLength + MaxCount - 1;

    /// <summary>Validates and normalises tags (trimmed, empty ones dropped, duplicates ignoring case dropped).</summary>
    /// <returns>The tags, or an error message (Chinese).</returns>
    public static (IReadOnlyList<string> Tags, string? Error) Validate(IEnumerable<string?>? tags)
    {
        var list = new List<string>();
        foreach (var raw in tags ?? [])
        {
            var tag = raw?.Trim() ?? "";
            if (tag.Length == 0 || list.Contains(tag, StringComparer.OrdinalIgnoreCase)) continue;
            if (tag.Length > MaxTagLength || !tag.All(c => char.IsLetterOrDigit(c) || c is '-' or '_'))
                return ([], $"每个标签最多 {MaxTagLength} 个字符，只能包含文字、数字、- 和 _");
            list.Add(tag);
        }
        return list.Count > MaxCount ? ([], $"tags 最多 {MaxCount} 个") : (list, null);
    }

    /// <summary>Splits what a person typed (commas, Chinese commas, semicolons or spaces between tags).</summary>
    public static IEnumerable<string> Split(string? typed) =>
        (typed ?? "").Split([',', '，', ';', '；', ' ', '\u3000'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The stored form: tags joined by commas, or null for none.</summary>
    public static string? Join(IReadOnlyList<string> tags) => tags.Count == 0 ? null : string.Join(',', tags);

    /// <summary>The tags of a stored value.</summary>
    public static IReadOnlyList<string> Parse(string? stored) => string.IsNullOrEmpty(stored) ? [] : stored.Split(',');
}

/// <summary>
/// The optional details of a short link besides its target: a chosen slug (create only), a title, tags, an expiry
/// instant and a maximum number of visits. <see cref="Validate"/> is the one rule set of the API, the create form and
/// the edit form.
/// </summary>
/// <param name="Slug">The chosen code, or null for a random one.</param>
/// <param name="Title">The owner's label, or null.</param>
/// <param name="Tags">Tags, or null for none.</param>
/// <param name="ExpiresAt">After this instant visitors get a 410 page; null for never.</param>
/// <param name="MaxVisits">Redirects served before visitors get a 410 page; null for unlimited.</param>
public sealed record ShortLinkDetails(string? Slug = null, string? Title = null, IReadOnlyList<string>? Tags = null, DateTimeOffset? ExpiresAt = null, long? MaxVisits = null)
{
    /// <summary>Longest title, in characters.</summary>
    public const int MaxTitleLength = 100;

    /// <summary>Largest maximum number of visits.</summary>
    public const long MaxVisitsLimit = 1_000_000_000;

    /// <summary>No details: a random code and nothing else, as seed 002 creates links.</summary>
    public static readonly ShortLinkDetails None = new();

    /// <summary>Message of an expiry that is not an ISO 8601 instant with its offset.</summary>
    public const string ExpiresAtFormatError = "expiresAt 必须是带时区的 ISO 8601 时间，如 2026-12-31T23:59:59+08:00";

    /// <summary>Message of an expiry that is not in the future.</summary>
    public const string ExpiresAtError = "expiresAt 必须晚于当前时间";

    /// <summary>Message of a maximum number of visits out of range.</summary>
    public const string MaxVisitsError = "maxVisits 必须是 1 到 1000000000 之间的整数";

    /// <summary>
    /// How long a short link made in test mode (a <c>wxp_test_</c> token, or the portal switched to Test) may live: it
    /// works like a live one, but test credit is free, so a test link must not be a free permanent link.
    /// </summary>
    public static readonly TimeSpan TestModeLifetime = TimeSpan.FromHours(24);

    /// <summary>Most visits a test-mode short link may serve.</summary>
    public const long TestModeMaxVisits = 100;

    /// <summary>Message of test-mode details beyond <see cref="TestModeLifetime"/> or <see cref="TestModeMaxVisits"/>.</summary>
    public const string TestModeLimitError = "测试模式的短链最长有效 24 小时、最多 100 次访问：请调整 expiresAt / maxVisits，或使用正式令牌";

    /// <summary>
    /// The limits of a test-mode link applied to already validated details: an absent expiry becomes
    /// <see cref="TestModeLifetime"/> from <paramref name="now"/> and an absent visit limit <see cref="TestModeMaxVisits"/>;
    /// a later expiry or a larger limit is refused (never shortened silently).
    /// </summary>
    /// <returns>The details with both limits set, or <see cref="TestModeLimitError"/>.</returns>
    public (ShortLinkDetails? Details, string? Error) ForTestMode(DateTimeOffset now)
    {
        var latest = now + TestModeLifetime;
        if (ExpiresAt > latest || MaxVisits > TestModeMaxVisits) return (null, TestModeLimitError);
        return (this with { ExpiresAt = (ExpiresAt ?? latest).ToUniversalTime(), MaxVisits = MaxVisits ?? TestModeMaxVisits }, null);
    }

    /// <summary>
    /// Checks every field and normalises them: blank slug and title become null, tags are trimmed and deduplicated,
    /// the expiry is made UTC. The slug's availability is not checked here (<see cref="LinkService.IsCodeTakenAsync"/>).
    /// </summary>
    /// <param name="now">The current instant: an expiry must be after it.</param>
    /// <returns>The normalised details, or an error message (Chinese).</returns>
    public (ShortLinkDetails? Details, string? Error) Validate(DateTimeOffset now)
    {
        var slug = string.IsNullOrWhiteSpace(Slug) ? null : Slug.Trim();
        if (slug is not null && ShortLinkSlug.Validate(slug) is { } slugError) return (null, slugError);
        var title = string.IsNullOrWhiteSpace(Title) ? null : Title.Trim();
        if (title is not null && title.Length > MaxTitleLength) return (null, $"title 过长（上限 {MaxTitleLength} 个字符）");
        if (title is not null && title.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format))
            return (null, "title 不能包含控制字符或不可见的格式字符");
        var (tags, tagError) = ShortLinkTags.Validate(Tags);
        if (tagError is not null) return (null, tagError);
        if (ExpiresAt is { } expires && expires <= now) return (null, ExpiresAtError);
        if (MaxVisits is { } max && max is < 1 or > MaxVisitsLimit) return (null, MaxVisitsError);
        return (new ShortLinkDetails(slug, title, tags, ExpiresAt?.ToUniversalTime(), MaxVisits), null);
    }
}

/// <summary>What of a visit is kept: the referrer's host and the device class, never the address or the full header.</summary>
public static class ShortLinkVisitDetail
{
    /// <summary>Longest referrer host kept; a longer one is counted as <see cref="OtherHost"/>.</summary>
    public const int MaxHostLength = 100;

    /// <summary>The referrer host under which unusual referrers (too long, or too many distinct ones between two writes) are counted.</summary>
    public const string OtherHost = "*";

    /// <summary>
    /// The lower-case host of a <c>Referer</c> header value; empty for none or for one that is not an absolute http(s)
    /// URL; <see cref="OtherHost"/> when longer than <see cref="MaxHostLength"/>.
    /// </summary>
    public static string ReferrerHost(string? referer)
    {
        if (string.IsNullOrEmpty(referer) || !Uri.TryCreate(referer, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)) return "";
        var host = uri.IdnHost.ToLowerInvariant();
        return host.Length == 0 ? "" : host.Length > MaxHostLength ? OtherHost : host;
    }
}
