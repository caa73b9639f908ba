using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Features.Billing;
using Portal.Infrastructure;
using Portal.Resources;

namespace Portal.Features.Links;

/// <summary>
/// <c>/links/short</c>: shortens a URL through <see cref="LinkCommands"/> (billed like the API, with
/// the same validation before any debit) and lists the user's short links with their visit counts.
/// </summary>
public sealed partial class ShortLinksPage
{
    [Inject] private LinkCommands Commands { get; set; } = default!;
    [Inject] private LinkService Links { get; set; } = default!;
    [Inject] private BillingLedger Ledger { get; set; } = default!;
    [Inject] private BalanceState Balance { get; set; } = default!;
    [Inject] private PublicUrls Urls { get; set; } = default!;
    [Inject] private IOptions<PortalOptions> Options { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private MudForm form = default!;
    private MudTable<ShortLinkRow> table = default!;
    private bool isValid;
    private bool busy;
    private string? longUrl;
    private ShortLink? created;
    private bool insufficient;
    private string? error;
    private long priceFen;
    private long balanceAfterFen;
    private string userId = "";
    private IReadOnlyCollection<string> ownHosts = [];
    private bool showOptions;
    private ShortLinkFormFields fields = new();
    private string? search;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        userId = (await AuthState).User.UserId();
        ownHosts = PageLinks.OwnHosts(Urls, Nav);
        priceFen = await Ledger.GetPriceFenAsync(BillableProducts.ShortLinkCreate);
    }

    private string ShortUrl(string code) => $"{PageLinks.BaseUrl(Options.Value, Nav)}/s/{code}";

    // The very rule the API applies, so the form never submits what the server would reject (and never bills it).
    private string? ValidateUrl(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : ShortLinkTarget.Validate(value, ownHosts).Error is { } e ? L[e].Value : null;

    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Enter" && isValid) await CreateAsync();
    }

    private async Task CreateAsync()
    {
        await form.ValidateAsync();
        if (!form.IsValid || busy) return;
        busy = true;
        created = null;
        insufficient = false;
        error = null;
        try
        {
            var caller = BillingCaller.FromPortal(userId);
            var result = await Commands.CreateShortLinkAsync(caller, longUrl, fields.ToDetails(), ownHosts, CancellationToken.None);
            balanceAfterFen = result.BalanceFen;
            Balance.Set(result.BalanceFen);
            switch (result.Status)
            {
                case BilledStatus.Succeeded:
                    created = result.Value;
                    await form.ResetAsync();
                    fields = new ShortLinkFormFields();
                    await table.ReloadServerData();
                    break;
                case BilledStatus.InsufficientFunds:
                    insufficient = true;
                    break;
                default:
                    error = result.Message ?? "内部错误";
                    break;
            }
        }
        finally
        {
            busy = false;
        }
    }

    // The newest load's rows, whichever answer the table receives last (see LatestLoad).
    private readonly LatestLoad<TableData<ShortLinkRow>> loads = new();

    private Task<TableData<ShortLinkRow>> LoadAsync(TableState state, CancellationToken ct) => loads.RunAsync(token => FetchAsync(state, token), ct);

    private async Task<TableData<ShortLinkRow>> FetchAsync(TableState state, CancellationToken ct)
    {
        // The table may ask for its first page before OnInitializedAsync has finished.
        if (userId.Length == 0) userId = (await AuthState).User.UserId();
        var (items, total) = await Links.ListShortLinksAsync(userId, search, state.Page * state.PageSize, state.PageSize, ct);
        return new TableData<ShortLinkRow> { Items = items, TotalItems = total };
    }

    private async Task OnSearchAsync(string? value)
    {
        search = value;
        await table.ReloadServerData();
    }

    /// <summary>Resource key of a link's state as a visitor meets it now.</summary>
    internal static string StateKey(ShortLinkState state) => state switch
    {
        ShortLinkState.Disabled => "Disabled",
        ShortLinkState.Expired => "Expired",
        ShortLinkState.Exhausted => "Visit limit reached",
        _ => "Active",
    };

    private string StateLabel(ShortLinkRow link) => link.DisabledByAdmin ? "Disabled by an administrator" : StateKey(link.StateAt(Time.GetUtcNow()));

    private Color StateColor(ShortLinkRow link) => link.StateAt(Time.GetUtcNow()) == ShortLinkState.Active ? Color.Success : Color.Default;

    private async Task EditAsync(ShortLinkRow link)
    {
        var parameters = new DialogParameters<ShortLinkEditDialog> { { d => d.UserId, userId }, { d => d.Link, link }, { d => d.OwnHosts, ownHosts } };
        var dialog = await Dialogs.ShowAsync<ShortLinkEditDialog>(L["Edit short link"], parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add(L["Short link saved"], Severity.Success);
            await table.ReloadServerData();
        }
    }

    private async Task SetDisabledAsync(ShortLinkRow link, bool disabled)
    {
        if (await Links.SetShortLinkDisabledByOwnerAsync(userId, link.Id, disabled, CancellationToken.None))
            Snackbar.Add(disabled ? L["Short link disabled: visitors now see a notice."] : L["Short link enabled again."], Severity.Success);
        await table.ReloadServerData();
    }

    private async Task DeleteAsync(ShortLinkRow link)
    {
        if (!await ConfirmDialog.AskAsync(Dialogs, L["Delete short link?"],
                L["{0} will stop working for everyone, and its code cannot be used again. The fee paid for it is not refunded.", ShortUrl(link.Code)].Value,
                L["Delete"], L["Cancel"], destructive: true)) return;
        if (await Links.DeleteShortLinkAsync(userId, link.Id, CancellationToken.None)) Snackbar.Add(L["Short link deleted."], Severity.Success);
        await table.ReloadServerData();
    }
}
