using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Features.Accounts;
using Portal.Features.Billing;
using Portal.Resources;

namespace Portal.Features.Admin;

/// <summary>
/// <c>/admin/users</c>: find users by e-mail, see balances, lock/unlock sign-in (and API tokens, which refuse locked
/// owners), and adjust balances with a reason through <see cref="BillingLedger.AdjustAsync"/>.
/// </summary>
public sealed partial class UsersPage
{
    [Inject] private AdminUserQueries Users { get; set; } = default!;
    [Inject] private LedgerQueries Ledger { get; set; } = default!;
    [Inject] private UserSuspension Suspension { get; set; } = default!;
    [Inject] private AdminAuditLog Audit { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private BalanceState Balance { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private MudTable<AdminUserRow> table = default!;
    private string? search;
    private string adminId = "";
    private BillingStats? stats;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        adminId = (await AuthState).User.UserId();
        stats = await Ledger.GetStatsAsync();
    }

    private async Task OnSearchAsync(string? value)
    {
        search = value;
        await table.ReloadServerData();
    }

    // The newest load's rows, whichever answer the table receives last (see LatestLoad).
    private readonly LatestLoad<TableData<AdminUserRow>> loads = new();

    private Task<TableData<AdminUserRow>> LoadAsync(TableState state, CancellationToken ct) => loads.RunAsync(token => FetchAsync(state, token), ct);

    private async Task<TableData<AdminUserRow>> FetchAsync(TableState state, CancellationToken ct)
    {
        var (items, total) = await Users.ListAsync(search, state.Page * state.PageSize, state.PageSize, ct);
        return new TableData<AdminUserRow> { Items = items, TotalItems = total };
    }

    private async Task AdjustAsync(AdminUserRow user)
    {
        var parameters = new DialogParameters<AdjustBalanceDialog>
        {
            { d => d.AdminUserId, adminId },
            { d => d.User, user },
        };
        var dialog = await Dialogs.ShowAsync<AdjustBalanceDialog>(L["Adjust balance"], parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            // An admin adjusting their own balance sees the app bar follow.
            if (user.Id == adminId && result.Data is long balanceFen) Balance.Set(balanceFen);
            await table.ReloadServerData();
            stats = await Ledger.GetStatsAsync();
        }
    }

    private async Task SetLockAsync(AdminUserRow row, bool locked)
    {
        if (locked)
        {
            if (!await ConfirmDialog.AskAsync(Dialogs, L["Lock user?"],
                    L["{0} will be unable to sign in, and their API tokens will be refused, until unlocked.", row.Email],
                    L["Lock"], L["Cancel"], destructive: true)) return;
        }
        var changed = await Suspension.SetSuspendedAsync(row.Id, locked);
        if (changed) await Audit.RecordAsync(adminId, locked ? AdminActions.UserSuspend : AdminActions.UserUnsuspend, row.Email);
        Snackbar.Add(changed ? L[locked ? "User locked" : "User unlocked"] : L["The change failed"],
            changed ? Severity.Success : Severity.Error);
        await table.ReloadServerData();
    }
}
