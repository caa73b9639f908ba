using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Portal.Features.Accounts;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Features.Links;
using Portal.Features.MiniProgramCodes;
using Portal.Features.WeChat;

namespace Portal.Features.Admin;

/// <summary>
/// <c>admin load-test seed</c>: fills a database with accounts for the benchmark in <c>bench/</c>. Each account gets a
/// balance, an API token, the mini-program <see cref="AppId"/> as its default app, one stored code image for
/// <see cref="QrBody"/> (so that request is a cache hit) and one short link. Users get no password (nobody signs in as
/// them). Writes one line per account to the output file: <c>token TAB short-link-code</c>.
/// </summary>
public sealed class LoadTestSeed(
    UserManager<ApplicationUser> users, UserProvisioning provisioning, BillingLedger ledger, ApiTokenService tokens,
    MiniProgramAppService apps, MiniProgramCodeStore codes, LinkService links, TimeProvider time)
{
    /// <summary>The mini-program every seeded account registers.</summary>
    public const string AppId = "wx0123456789abcdef";

    /// <summary>The seed 000 body whose code is stored for every account (a cache hit when posted to <c>/generate-qr</c>).</summary>
    public const string QrBody = "{\"appid\":\"" + AppId + "\",\"pagepath\":\"pages/index/index?id=1\",\"type\":\"wxcode_a\"}";

    /// <summary>Creates <paramref name="accounts"/> accounts named <c>load-{i}@{domain}</c> with <paramref name="balanceFen"/> each.</summary>
    /// <returns>One (token, short-link code) pair per account.</returns>
    public async Task<IReadOnlyList<(string Token, string ShortCode)>> RunAsync(int accounts, long balanceFen, string domain, CancellationToken ct)
    {
        var result = new List<(string, string)>(accounts);
        var (pageOrPath, scene) = CodeRequestRules.SplitPagePath(CodeKind.WxaCode, "pages/index/index?id=1", null);
        var request = CodeRequestRules.Normalise(new CodeRequestInput(CodeKind.WxaCode, pageOrPath, scene, null, null, null, null, null, null)).Request
            ?? throw new InvalidOperationException("the load-test code request does not validate");
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
        for (var i = 0; i < accounts; i++)
        {
            var email = string.Create(CultureInfo.InvariantCulture, $"load-{i}@{domain}");
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = time.GetUtcNow() };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
            await provisioning.CompleteAsync(user);
            var credit = await ledger.AdjustAsync("load-test-seed", user.Id, balanceFen, "load-test funding", ct);
            if (!credit.Succeeded) throw new InvalidOperationException($"funding failed: {credit.Error}");
            var token = await tokens.IssueAsync(user.Id, "load-test", null, ct);
            var app = await apps.RegisterAsync(user.Id, AppId, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), "load test", ct);
            if (!app.Succeeded) throw new InvalidOperationException(app.Error);
            await codes.SaveAsync(user.Id, AppId, request, CodeRequestRules.Hash(AppId, request), png, "image/png", ct);
            var link = await links.CreateShortLinkAsync(user.Id, string.Create(CultureInfo.InvariantCulture, $"https://example.com/load/{i}"), ct);
            result.Add((token.Secret, link.Code));
        }
        return result;
    }
}
