using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Features.Billing;
using Portal.Resources;

namespace Portal.Features.ApiTokens;

/// <summary>
/// Rename a live token and change its expiry, daily spend cap, IP allow-list and allowed browser origins through
/// <see cref="ApiTokenService.UpdateAsync"/>. Closes with <c>true</c> after a save; a refused change keeps it open.
/// </summary>
public sealed partial class ApiTokenEditDialog
{
    [Inject] private ApiTokenService Tokens { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance MudDialog { get; set; } = default!;

    /// <summary>The owner.</summary>
    [Parameter, EditorRequired] public string UserId { get; set; } = "";

    /// <summary>The token as listed.</summary>
    [Parameter, EditorRequired] public ApiTokenSummary Token { get; set; } = default!;

    private MudForm form = default!;
    private bool isValid;
    private bool busy;
    private string? name;
    private DateTime? expiresOn;
    private string? cap;
    private string? ips;
    private string? origins;
    private string? error;

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        name = Token.Name;
        expiresOn = Token.ExpiresAt is { } e ? UiFormat.Local(e).Date : null;
        cap = Token.DailySpendCapFen is { } fen ? Money.Format(fen) : null;
        ips = Token.AllowedIps?.Replace(",", ", ", StringComparison.Ordinal);
        origins = Token.AllowedOrigins?.Replace(",", "\n", StringComparison.Ordinal);
    }

    private string? ValidateName(string? value) =>
        (value?.Trim().Length ?? 0) > ApiTokenService.MaxNameLength ? L["At most {0} characters", ApiTokenService.MaxNameLength].Value : null;

    private string? ValidateCap(string? value) =>
        string.IsNullOrWhiteSpace(value) || Money.TryParse(value, out var fen) && fen >= 0 && fen <= Money.MaxAmountFen
            ? null : L["A number with at most two decimals, e.g. 10 or 2.50"].Value;

    private string? ValidateIps(string? value) =>
        ApiTokenIpAllowList.Normalize(value).Error is null ? null : L["Addresses or CIDR ranges separated by commas; empty for any address."].Value;

    private string? ValidateOrigins(string? value) =>
        ApiTokenOriginAllowList.Normalize(value).Error is null ? null
            : L["Origins like https://shop.example.com (scheme, host and optional port; no path), one per line; at most {0}.", ApiTokenOriginAllowList.MaxOrigins].Value;

    private void Cancel() => MudDialog.Cancel();

    private async Task SaveAsync()
    {
        await form.ValidateAsync();
        if (!form.IsValid || busy) return;
        long? capFen = string.IsNullOrWhiteSpace(cap) ? null : Money.TryParse(cap, out var fen) ? fen : null;
        busy = true;
        error = null;
        try
        {
            // An unchanged expiry is kept as it was (a token issued through the CLI may end mid-day).
            var expiresAt = expiresOn == (Token.ExpiresAt is { } e ? UiFormat.Local(e).Date : null) ? Token.ExpiresAt : UiFormat.EndOfDay(expiresOn);
            if (await Tokens.UpdateAsync(UserId, Token.Id, name ?? "", expiresAt, capFen, ips, allowedOrigins: origins)) MudDialog.Close(DialogResult.Ok(true));
            else error = L["Token not found"];
        }
        catch (ArgumentException)
        {
            error = L["Check the name and the expiry date (it must be in the future)."];
        }
        finally
        {
            busy = false;
        }
    }
}
