using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Resources;

namespace Portal.Features.Billing;

/// <summary>
/// <c>/topup</c>: pays an order with WeChat Pay when it is configured (<see cref="Payments.WeChatPayPanel"/>), and redeems a
/// code through <see cref="BillingLedger.RedeemAsync"/>, showing the new balance or why it failed.
/// </summary>
public sealed partial class TopUpPage : IDisposable
{
    [Inject] private BillingLedger Ledger { get; set; } = default!;
    [Inject] private Payments.TopUpService TopUps { get; set; } = default!;
    [Inject] private BalanceState Balance { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private MudForm form = default!;
    private bool isValid;
    private bool busy;
    private string? code;
    private BalanceChangeOutcome? result;
    private string userId = "";

    protected override async Task OnInitializedAsync()
    {
        userId = (await AuthState).User.UserId();
        Balance.Changed += OnBalanceChanged;
        Balance.Set(await Ledger.GetBalanceFenAsync(userId));
    }

    // A payment credited while the page is open changes the balance from outside this component.
    private void OnBalanceChanged() => _ = InvokeAsync(StateHasChanged);

    /// <inheritdoc />
    public void Dispose() => Balance.Changed -= OnBalanceChanged;

    private string? ValidateCode(string? value) =>
        RedemptionCodes.Normalize(value).Length is > 0 and < 8 ? L["That is too short for a redemption code"].Value : null;

    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Enter" && isValid) await RedeemAsync();
    }

    private async Task RedeemAsync()
    {
        await form.ValidateAsync();
        if (!form.IsValid || busy) return;
        busy = true;
        try
        {
            result = await Ledger.RedeemAsync(userId, code ?? "");
            Balance.Set(result.BalanceFen);
            if (result.Succeeded)
            {
                Snackbar.Add(L["Redeemed {0}", UiFormat.Yuan(result.AmountFen)], Severity.Success);
                // ResetAsync clears the field and its touched state together, so the emptied field shows no "required" error.
                await form.ResetAsync();
            }
            else
            {
                Snackbar.Add(L[ErrorText(result.Error)], Severity.Error);
            }
        }
        finally
        {
            busy = false;
        }
    }

    private static string ErrorText(BalanceChangeError error) => error switch
    {
        BalanceChangeError.CodeNotFound => "No such redemption code. Check what you typed.",
        BalanceChangeError.CodeAlreadyRedeemed => "This code has already been redeemed.",
        BalanceChangeError.CodeExpired => "This code has expired.",
        BalanceChangeError.CodeVoided => "This code was voided by the operator and can no longer be redeemed.",
        _ => "The code could not be redeemed.",
    };
}
