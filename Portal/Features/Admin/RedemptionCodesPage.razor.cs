using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Features.Billing;
using Portal.Resources;

namespace Portal.Features.Admin;

/// <summary>
/// <c>/admin/codes</c>: creates batches of redemption codes (<see cref="RedemptionCodeService.CreateBatchAsync"/>), shows the
/// new codes once with copy-all and CSV download (they are stored only as hashes), and lists batches with how many codes
/// were redeemed and a CSV of their state (codes masked).
/// </summary>
public sealed partial class RedemptionCodesPage
{
    [Inject] private RedemptionCodeService Codes { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private AdminAuditLog Audit { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private MudForm form = default!;
    private MudTable<RedemptionBatchSummary> table = default!;
    private bool isValid;
    private bool busy;
    private string? amount;
    private int count = 10;
    private DateTime? expiresOn;
    private IReadOnlyList<string>? createdCodes;
    private long createdAmountFen;
    private string? createdCsv;

    private static string CsvUrl(Guid batchId) => $"admin/codes/{batchId}.csv";

    private string? ValidateAmount(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!Money.TryParse(value, out var fen) || fen <= 0 || fen > Money.MaxAmountFen)
            return L["A positive amount with at most two decimals, e.g. 50 or 9.90"];
        return null;
    }

    private string? ValidateCount(int value) =>
        value is < 1 or > RedemptionCodeService.MaxBatchCount ? L["Between 1 and {0}", RedemptionCodeService.MaxBatchCount].Value : null;

    /// <summary>A batch this large (count or total value) is confirmed before it is created.</summary>
    public const int ConfirmCountFrom = 50;

    /// <summary>Total value (fen) from which a batch is confirmed before it is created: ¥500.00.</summary>
    public const long ConfirmTotalFenFrom = 50_000;

    private async Task CreateAsync()
    {
        await form.ValidateAsync();
        if (!form.IsValid || busy || !Money.TryParse(amount, out var fen)) return;
        var totalFen = fen * count;
        if (count >= ConfirmCountFrom || totalFen >= ConfirmTotalFenFrom)
        {
            var confirmed = await Dialogs.ShowMessageBoxAsync(L["Create this batch?"],
                L["{0} codes worth {1} each: {2} of balance in all, redeemable by anyone who holds a code.", count, UiFormat.Yuan(fen), UiFormat.Yuan(totalFen)].Value,
                yesText: L["Create codes"], cancelText: L["Cancel"]);
            if (confirmed != true) return;
        }
        busy = true;
        try
        {
            var adminId = (await AuthState).User.UserId();
            var expiresAt = UiFormat.EndOfDay(expiresOn);
            var (batch, codes) = await Codes.CreateBatchAsync(adminId, fen, count, expiresAt);
            await Audit.RecordAsync(adminId, AdminActions.CodesCreate, batch.Id.ToString(), after: $"{codes.Count} × {Money.Format(fen)}",
                detail: AdminCli.BatchDetail(codes.Count, fen, expiresAt));
            createdCodes = codes.Select(c => c.Code).ToList();
            createdAmountFen = batch.AmountFen;
            // Only hashes are stored: this download (built here, not served later) is the one chance to export the codes.
            createdCsv = "data:text/csv;charset=utf-8," + Uri.EscapeDataString(RedemptionCodeService.CsvOfIssued(codes, batch.AmountFen, batch.ExpiresAt));
            await table.ReloadServerData();
        }
        catch (ArgumentOutOfRangeException)
        {
            Snackbar.Add(L["Check the amount, the count and the expiry date."], Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }

    // Asks with the figures voiding would take away (read afresh, not from the listed row), then voids and audits.
    private async Task VoidAsync(RedemptionBatchSummary batch)
    {
        var (count, totalFen) = await Codes.UnclaimedAsync(batch.Id);
        if (count == 0)
        {
            await table.ReloadServerData();
            return;
        }
        if (!await ConfirmDialog.AskAsync(Dialogs, L["Void the unclaimed codes?"],
                L["{0} unclaimed codes worth {1} each ({2} in all) will stop working at once. Codes already redeemed, and the balance they credited, are not affected.",
                    count, UiFormat.Yuan(batch.AmountFen), UiFormat.Yuan(totalFen)].Value,
                L["Void {0} codes", count], L["Cancel"], destructive: true)) return;
        busy = true;
        try
        {
            var adminId = (await AuthState).User.UserId();
            var outcome = await Codes.VoidBatchAsync(batch.Id, adminId);
            if (outcome.Found)
            {
                await Audit.RecordAsync(adminId, AdminActions.CodesVoid, batch.Id.ToString(),
                    after: $"{outcome.VoidedCount} × {Money.Format(batch.AmountFen)}",
                    detail: $"{Money.Format(outcome.VoidedFen)} in all; redeemed codes untouched");
                Snackbar.Add(L["{0} codes voided ({1}).", outcome.VoidedCount, UiFormat.Yuan(outcome.VoidedFen)], Severity.Success);
            }
            await table.ReloadServerData();
        }
        finally
        {
            busy = false;
        }
    }

    // The newest load's rows, whichever answer the table receives last (see LatestLoad).
    private readonly LatestLoad<TableData<RedemptionBatchSummary>> loads = new();

    private Task<TableData<RedemptionBatchSummary>> LoadAsync(TableState state, CancellationToken ct) => loads.RunAsync(token => FetchAsync(state, token), ct);

    private async Task<TableData<RedemptionBatchSummary>> FetchAsync(TableState state, CancellationToken ct)
    {
        var (items, total) = await Codes.ListBatchesAsync(state.Page * state.PageSize, state.PageSize, ct);
        return new TableData<RedemptionBatchSummary> { Items = items, TotalItems = total };
    }
}
