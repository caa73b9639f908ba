using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Features.Links;
using Portal.Features.MiniProgramCodes;
using Portal.Resources;

namespace Portal.Features.Admin;

/// <summary>
/// <c>/admin/users/{id}</c>: one user at a glance for admins — balance, usage, the newest ledger entries, API tokens,
/// short and mini-program links, generated codes, and the audit entries about them or made by them.
/// </summary>
public sealed partial class AdminUserPage
{
    /// <summary>Most rows each tab lists (the newest); the tab title gives the total.</summary>
    public const int RowsPerTab = 50;

    [Inject] private AdminUserQueries Users { get; set; } = default!;
    [Inject] private LedgerQueries Ledger { get; set; } = default!;
    [Inject] private ApiTokenService Tokens { get; set; } = default!;
    [Inject] private LinkService Links { get; set; } = default!;
    [Inject] private MiniProgramCodeStore Codes { get; set; } = default!;
    [Inject] private AdminAuditLog Audit { get; set; } = default!;
    [Inject] private BalanceState Balance { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    /// <summary>The user's Identity id (route).</summary>
    [Parameter] public string UserId { get; set; } = "";

    private bool loaded;
    private AdminUserRow? user;
    private (IReadOnlyList<LedgerEntryRow> Items, int Total) entries = ([], 0);
    private IReadOnlyList<ApiTokenSummary> tokens = [];
    private (IReadOnlyList<ShortLinkRow> Items, int Total) shortLinks = ([], 0);
    private (IReadOnlyList<MiniProgramLinkRow> Items, int Total) mpLinks = ([], 0);
    private (IReadOnlyList<CodeImageRow> Items, int Total) codes = ([], 0);
    private IReadOnlyList<AdminAuditRow> audit = [];

    // Counts parameter loads: a load that a newer one (another user's page) overtook drops what it read, so a slow read
    // for the previous user never overwrites the page of the current one.
    private int _loads;

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        var load = ++_loads;
        loaded = false;
        var found = await Users.GetAsync(UserId);
        (IReadOnlyList<LedgerEntryRow> Items, int Total) foundEntries = ([], 0);
        IReadOnlyList<ApiTokenSummary> foundTokens = [];
        (IReadOnlyList<ShortLinkRow> Items, int Total) foundShortLinks = ([], 0);
        (IReadOnlyList<MiniProgramLinkRow> Items, int Total) foundMpLinks = ([], 0);
        (IReadOnlyList<CodeImageRow> Items, int Total) foundCodes = ([], 0);
        IReadOnlyList<AdminAuditRow> foundAudit = [];
        if (found is not null)
        {
            foundEntries = await Ledger.ListEntriesAsync(found.Id, 0, RowsPerTab);
            foundTokens = await Tokens.ListAsync(found.Id);
            foundShortLinks = await Links.ListShortLinksAsync(found.Id, 0, RowsPerTab, CancellationToken.None);
            foundMpLinks = await Links.ListMiniProgramLinksAsync(found.Id, 0, RowsPerTab, CancellationToken.None);
            foundCodes = await Codes.ListAsync(found.Id, 0, RowsPerTab, CancellationToken.None);
            // Admin changes name a user by e-mail and a token as lists show it.
            foundAudit = await Audit.ListForUserAsync(found.Id, [found.Email, .. foundTokens.Select(t => t.Display)], RowsPerTab);
        }
        if (load != _loads) return;
        (user, entries, tokens, shortLinks, mpLinks, codes, audit) = (found, foundEntries, foundTokens, foundShortLinks, foundMpLinks, foundCodes, foundAudit);
        loaded = true;
    }

    private static string Count(string label, int count) => $"{label} ({count})";

    private RenderFragment More(int total, int shown) => builder =>
    {
        if (total <= shown) return;
        builder.OpenComponent<MudText>(0);
        builder.AddComponentParameter(1, nameof(MudText.Typo), Typo.caption);
        builder.AddComponentParameter(2, nameof(MudText.ChildContent), (RenderFragment)(b => b.AddContent(0, L["Newest {0} of {1} shown.", shown, total].Value)));
        builder.CloseComponent();
    };

    private async Task AdjustAsync()
    {
        if (user is null) return;
        var adminId = UiFormat.UserId((await AuthState).User);
        var parameters = new DialogParameters<AdjustBalanceDialog> { { d => d.AdminUserId, adminId }, { d => d.User, user } };
        var dialog = await Dialogs.ShowAsync<AdjustBalanceDialog>(L["Adjust balance"], parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            if (user.Id == adminId && result.Data is long balanceFen) Balance.Set(balanceFen);
            await OnParametersSetAsync();
        }
    }
}
