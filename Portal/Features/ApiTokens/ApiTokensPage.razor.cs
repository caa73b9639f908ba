using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Resources;

namespace Portal.Features.ApiTokens;

/// <summary>
/// <c>/tokens</c>: issue, list and revoke API tokens. A new token's secret lives only in this component's memory
/// until the user dismisses it (or leaves the page); the list shows <c>prefix…last4</c> only.
/// </summary>
public sealed partial class ApiTokensPage
{
    [Inject] private ApiTokenService Tokens { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;
    [Inject] private Microsoft.Extensions.Options.IOptions<Portal.Infrastructure.PortalOptions> Options { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private PortalMode Mode { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private MudForm form = default!;
    private bool isValid;
    private bool busy;
    private string? name;
    private DateTime? expiresOn;
    private IssuedApiToken? issued;
    private IReadOnlyList<ApiTokenSummary>? tokens;
    private string userId = "";

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        userId = (await AuthState).User.UserId();
        await ReloadAsync();
    }

    // The app bar's Live/Test switch: test mode lists and issues test tokens (wxp_test_), live mode live ones.
    private async Task ReloadAsync() => tokens = [.. (await Tokens.ListAsync(userId)).Where(t => t.IsTest == Mode.IsTest)];

    private string? ValidateName(string? value) =>
        (value?.Trim().Length ?? 0) > ApiTokenService.MaxNameLength ? L["At most {0} characters", ApiTokenService.MaxNameLength].Value : null;

    private async Task CreateAsync()
    {
        await form.ValidateAsync();
        if (!form.IsValid || busy) return;
        busy = true;
        try
        {
            issued = await Tokens.IssueAsync(userId, name ?? "", UiFormat.EndOfDay(expiresOn), test: Mode.IsTest);
            await form.ResetAsync();
            await ReloadAsync();
        }
        catch (ArgumentException)
        {
            Snackbar.Add(L["Check the name and the expiry date (it must be in the future)."], Severity.Error);
        }
        catch (TooManyTokensException ex)
        {
            Snackbar.Add(L["You already have {0} live tokens: revoke one you no longer use first.", ex.Limit], Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }

    private void DismissSecret() => issued = null;

    /// <summary>A ready-to-run call with the new token: creates a short link on this site (seed 002's request).</summary>
    private string CurlExample(string secret) =>
        $"curl -s -X POST {PageLinks.BaseUrl(Options.Value, Nav)}/generate-shortlink \\\n" +
        $"  -H \"Authorization: Bearer {secret}\" -H 'Content-Type: application/json' \\\n" +
        "  -d '{\"longUrl\":\"https://www.example.com/\"}'";

    private async Task EditAsync(ApiTokenSummary token)
    {
        var parameters = new DialogParameters<ApiTokenEditDialog> { { d => d.UserId, userId }, { d => d.Token, token } };
        var dialog = await Dialogs.ShowAsync<ApiTokenEditDialog>(L["Edit token"], parameters);
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            Snackbar.Add(L["Token updated"], Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task RevokeAsync(ApiTokenSummary token)
    {
        if (!await ConfirmDialog.AskAsync(Dialogs,
                L["Revoke token?"], L["Calls that use \"{0}\" ({1}) will be refused from now on. This cannot be undone.", token.Name, token.Display],
                L["Revoke"], L["Cancel"], destructive: true)) return;
        if (await Tokens.RevokeAsync(userId, token.Id)) Snackbar.Add(L["Token revoked"], Severity.Success);
        else Snackbar.Add(L["Token not found"], Severity.Error);
        if (issued?.Token.Id == token.Id) issued = null;
        await ReloadAsync();
    }

    private string Status(ApiTokenSummary t) =>
        t.RevokedAt is not null ? "Revoked" : t.ExpiresAt is { } e && e <= Time.GetUtcNow() ? "Expired" : "Active";

    private Color StatusColor(ApiTokenSummary t) => Status(t) switch
    {
        "Active" => Color.Success,
        "Revoked" => Color.Error,
        _ => Color.Default,
    };
}
