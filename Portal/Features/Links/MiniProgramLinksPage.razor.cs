using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Features.Billing;
using Portal.Infrastructure;
using Portal.Resources;

namespace Portal.Features.Links;

/// <summary>
/// <c>/links/miniprogram</c>: creates <c>mp://</c> links and decodes them through <see cref="LinkCommands"/> (billed as
/// the API is), and lists the user's links with their landing pages <c>{PublicBaseUrl}/m/{code}</c>.
/// </summary>
public sealed partial class MiniProgramLinksPage
{
    [Inject] private LinkCommands Commands { get; set; } = default!;
    [Inject] private LinkService Links { get; set; } = default!;
    [Inject] private BillingLedger Ledger { get; set; } = default!;
    [Inject] private BalanceState Balance { get; set; } = default!;
    [Inject] private IOptions<PortalOptions> Options { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private MudForm createForm = default!;
    private MudForm decodeForm = default!;
    private MudTable<MiniProgramLinkRow> table = default!;
    private bool createValid;
    private bool decodeValid;
    private bool busy;
    private string? appId;
    private string? pagePath;
    private string? linkToDecode;
    private MiniProgramLink? created;
    private MiniProgramLink? decoded;
    private bool insufficient;
    private string? error;
    private long createPriceFen;
    private long decodePriceFen;
    private long balanceAfterFen;
    private string userId = "";

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        userId = (await AuthState).User.UserId();
        createPriceFen = await Ledger.GetPriceFenAsync(BillableProducts.MiniProgramLinkCreate);
        decodePriceFen = await Ledger.GetPriceFenAsync(BillableProducts.MiniProgramLinkDecode);
    }

    private string LandingUrl(string code) => $"{PageLinks.BaseUrl(Options.Value, Nav)}/m/{code}";

    private string? ValidateAppId(string? value) =>
        string.IsNullOrWhiteSpace(value) || MiniProgramPage.IsAppId(value.Trim()) ? null
            : L["An AppID is \"wx\" followed by 16 hexadecimal digits"].Value;

    private string? ValidatePagePath(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : MiniProgramPage.Validate(value).Error is { } e ? L[e].Value : null;

    private string? ValidateMpLink(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Trim().StartsWith(LinkService.MiniProgramScheme, StringComparison.OrdinalIgnoreCase)
            ? null : L["A mini-program link starts with mp://"].Value;

    private BillingCaller NewCaller() => BillingCaller.FromPortal(userId);

    private async Task CreateAsync()
    {
        await createForm.ValidateAsync();
        if (!createForm.IsValid || busy) return;
        await RunAsync(async () =>
        {
            var result = await Commands.CreateMiniProgramLinkAsync(NewCaller(), appId, pagePath, CancellationToken.None);
            if (Report(result))
            {
                created = result.Value;
                await table.ReloadServerData();
            }
        });
    }

    private async Task DecodeAsync()
    {
        await decodeForm.ValidateAsync();
        if (!decodeForm.IsValid || busy) return;
        await RunAsync(async () =>
        {
            var result = await Commands.DecodeMiniProgramLinkAsync(NewCaller(), linkToDecode, CancellationToken.None);
            if (Report(result)) decoded = result.Value;
        });
    }

    private async Task RunAsync(Func<Task> action)
    {
        busy = true;
        insufficient = false;
        error = null;
        try
        {
            await action();
        }
        finally
        {
            busy = false;
        }
    }

    // Records the outcome of a billed call for the page's one alert (no toast on top of it); true on success.
    private bool Report(BilledResult<MiniProgramLink> result)
    {
        balanceAfterFen = result.BalanceFen;
        Balance.Set(result.BalanceFen);
        switch (result.Status)
        {
            case BilledStatus.Succeeded:
                return true;
            case BilledStatus.InsufficientFunds:
                insufficient = true;
                return false;
            default:
                error = result.Message ?? "内部错误";
                return false;
        }
    }

    // The newest load's rows, whichever answer the table receives last (see LatestLoad).
    private readonly LatestLoad<TableData<MiniProgramLinkRow>> loads = new();

    private Task<TableData<MiniProgramLinkRow>> LoadAsync(TableState state, CancellationToken ct) => loads.RunAsync(token => FetchAsync(state, token), ct);

    private async Task<TableData<MiniProgramLinkRow>> FetchAsync(TableState state, CancellationToken ct)
    {
        if (userId.Length == 0) userId = (await AuthState).User.UserId();
        var (items, total) = await Links.ListMiniProgramLinksAsync(userId, state.Page * state.PageSize, state.PageSize, ct);
        return new TableData<MiniProgramLinkRow> { Items = items, TotalItems = total };
    }
}
