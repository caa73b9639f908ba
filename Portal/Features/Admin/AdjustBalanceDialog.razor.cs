using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Features.Billing;
using Portal.Resources;

namespace Portal.Features.Admin;

/// <summary>
/// An admin's credit or debit of one user's balance with a required reason, through <see cref="BillingLedger.AdjustAsync"/>.
/// Closes with the new balance in fen; a debit that would go below zero keeps the dialog open with the reason.
/// </summary>
public sealed partial class AdjustBalanceDialog
{
    [Inject] private BillingLedger Ledger { get; set; } = default!;
    [Inject] private AdminAuditLog Audit { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance MudDialog { get; set; } = default!;

    /// <summary>The admin making the change (recorded on the ledger entry).</summary>
    [Parameter, EditorRequired] public string AdminUserId { get; set; } = "";

    /// <summary>The user whose balance changes.</summary>
    [Parameter, EditorRequired] public AdminUserRow User { get; set; } = default!;

    private MudForm form = default!;
    private bool isValid;
    private bool busy;
    private string? amount;
    private string? reason;
    private string? error;

    private string? ValidateAmount(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!Money.TryParse(value, out var fen)) return L["A number with at most two decimals, e.g. 10 or -2.50"];
        if (fen == 0 || Math.Abs(fen) > Money.MaxAmountFen) return L["The amount must be non-zero and at most {0}", Money.Format(Money.MaxAmountFen)];
        return null;
    }

    // The ledger keeps at most this many characters of a reason; longer input is refused here rather than cut.
    private const int MaxReasonLength = 500;

    private string? ValidateReason(string? value) =>
        (value?.Trim().Length ?? 0) > MaxReasonLength ? L["At most {0} characters", MaxReasonLength].Value : null;

    private void Cancel() => MudDialog.Cancel();

    private async Task SubmitAsync()
    {
        await form.ValidateAsync();
        if (!form.IsValid || busy || !Money.TryParse(amount, out var fen) || string.IsNullOrWhiteSpace(reason)) return;
        busy = true;
        error = null;
        try
        {
            var outcome = await Ledger.AdjustAsync(AdminUserId, User.Id, fen, reason);
            if (outcome.Succeeded)
            {
                await Audit.RecordAsync(AdminUserId, AdminActions.BalanceAdjust, User.Email,
                    before: Money.Format(outcome.BalanceFen - fen), after: Money.Format(outcome.BalanceFen), detail: reason.Trim());
                Snackbar.Add(L["Balance of {0} is now {1}", User.Email, UiFormat.Yuan(outcome.BalanceFen)], Severity.Success);
                MudDialog.Close(DialogResult.Ok(outcome.BalanceFen));
                return;
            }
            error = outcome.Error switch
            {
                BalanceChangeError.InsufficientFunds => L["That would take the balance below zero (it is {0}).", UiFormat.Yuan(outcome.BalanceFen)],
                BalanceChangeError.UnknownUser => L["User not found"],
                _ => L["The amount is not allowed."],
            };
        }
        finally
        {
            busy = false;
        }
    }
}
