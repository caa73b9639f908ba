using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Portal.Features.WeChat;

/// <summary>Admin page <c>/admin/wechat-tokens</c>: each app's token age and expiry, and a force refresh within WeChat's limit (≥ 30 s apart, ≤ 20 a day).</summary>
public sealed partial class WeChatTokensPage
{
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private IReadOnlyList<WeChatTokenStatus>? _rows;
    private DateTimeOffset _now;
    private bool _busy;
    private bool _ok;
    private string? _message;
    private string _adminId = "";

    protected override async Task OnInitializedAsync()
    {
        _adminId = (await AuthState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        _now = Time.GetUtcNow();
        _rows = await Tokens.ListAsync(CancellationToken.None);
    }

    private bool CanForce(WeChatTokenStatus row) =>
        row.ForcedToday < WeChatTokenStore.MaxForcedPerDay
        && (row.LastForcedAt is not { } last || _now - last >= WeChatTokenStore.MinForcedSpacing);

    private async Task ForceRefreshAsync(WeChatTokenStatus row)
    {
        _busy = true;
        try
        {
            var app = await Apps.GetForUserAsync(row.AppRowId, _adminId, isAdmin: true);
            if (app is null)
            {
                _ok = false;
                _message = L["The mini-program no longer exists."];
            }
            else
            {
                var result = await WeChat.GetAccessTokenAsync(app, forceRefresh: true, CancellationToken.None);
                _ok = result.Succeeded;
                _message = result.Succeeded ? L["Token of {0} refreshed.", row.AppId] : L["Refresh of {0} failed: {1}", row.AppId, $"{result.ErrCode} {result.ErrMsg}"];
            }
            await ReloadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private string Age(TimeSpan span) =>
        span.TotalHours >= 1 ? L["{0} h {1} min", (int)span.TotalHours, span.Minutes]
        : span.TotalMinutes >= 1 ? L["{0} min", (int)span.TotalMinutes]
        : L["{0} s", Math.Max(0, (int)span.TotalSeconds)];
}
