using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using MudBlazor.Utilities;
using Portal.Features.Billing;
using Portal.Features.WeChat;
using Portal.Infrastructure;
using Portal.Resources;

namespace Portal.Features.MiniProgramCodes;

/// <summary>
/// <c>/codes/generate</c>: every code option of docs/wechat.md §5 with the API's own validation as you type (so the form
/// never submits what would be rejected), then <see cref="MiniProgramCodeCommands.GenerateAsync"/> — billed exactly
/// like the API, cache hits included — with a preview, download, copy-URL and the balance after.
/// </summary>
public sealed partial class GenerateCodePage
{
    [Inject] private MiniProgramCodeCommands Commands { get; set; } = default!;
    [Inject] private MiniProgramAppService Apps { get; set; } = default!;
    [Inject] private BillingLedger Ledger { get; set; } = default!;
    [Inject] private Portal.Components.Shared.BalanceState Balance { get; set; } = default!;
    [Inject] private IOptions<PortalOptions> Options { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private MudForm form = default!;
    private IReadOnlyList<MiniProgramAppSummary> apps = [];
    private bool loaded;
    private bool fieldsValid;
    private bool busy;
    private string userId = "";
    private long priceFen;
    private long balanceAfterFen;

    private string? appId;
    private CodeKind kind = CodeKind.WxaCodeUnlimited;
    private string? pageOrPath;
    private string? scene;
    private int width = CodeRequestRules.DefaultWidth;
    private bool autoColor;
    private MudColor lineColor = new("#000000");
    private bool isHyaline;
    private string envVersion = "release";
    private bool checkPath = true;

    private GeneratedCode? generated;
    private bool insufficient;
    private string? error;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        userId = (await AuthState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        apps = await Apps.ListMineAsync(userId);
        appId = apps.FirstOrDefault(a => a.IsDefault)?.AppId ?? apps.FirstOrDefault()?.AppId;
        priceFen = await Ledger.GetPriceFenAsync(BillableProducts.QrCodeGenerate);
        loaded = true;
    }

    private CodeRequestInput Input() => new(kind, pageOrPath, kind == CodeKind.WxaCodeUnlimited ? scene : null, width, autoColor,
        new LineColor(lineColor.R, lineColor.G, lineColor.B), isHyaline, envVersion, kind == CodeKind.WxaCodeUnlimited ? checkPath : null);

    // The combined rules (e.g. check_path with a trial version) that no single field shows.
    private string? RequestError => CodeRequestRules.Normalise(Input()).Error;

    private bool CanGenerate => !busy && fieldsValid && !string.IsNullOrEmpty(appId) && RequestError is null;

    private string? ValidateScene(string? value) => Localized(string.IsNullOrEmpty(value) ? null : CodeRequestRules.ValidateScene(value));

    private string? ValidatePage(string? value) => Localized(CodeRequestRules.ValidatePage(value?.Trim()));

    private string? ValidatePath(string? value) => Localized(string.IsNullOrEmpty(value) ? null : CodeRequestRules.ValidatePath(kind, value.Trim()));

    private string? Localized(string? message) => message is null ? null : L[message].Value;

    private async Task OnKindChanged(CodeKind value)
    {
        kind = value;
        await Task.Yield();
        await form.ValidateAsync();
    }

    private void OnEnvChanged(string value)
    {
        envVersion = value;
        // Unreleased versions have no published pages to check (docs/wechat.md §5).
        if (value != "release") checkPath = false;
    }

    private async Task GenerateAsync()
    {
        await form.ValidateAsync();
        if (!CanGenerate) return;
        busy = true;
        generated = null;
        insufficient = false;
        error = null;
        try
        {
            var caller = BillingCaller.FromPortal(userId);
            var result = await Commands.GenerateAsync(caller, appId, Input(), CancellationToken.None);
            balanceAfterFen = result.BalanceFen;
            Balance.Set(result.BalanceFen); // the app bar shows the same balance as the result

            switch (result.Status)
            {
                case BilledStatus.Succeeded:
                    generated = result.Value;
                    Snackbar.Add(L["Code generated"], Severity.Success);
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

    private string ImageUrl(string publicId)
    {
        var configured = Options.Value.PublicBaseUrl;
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? Nav.BaseUri.TrimEnd('/') : configured.TrimEnd('/');
        return baseUrl + MiniProgramCodesEndpoints.ImagePath(publicId);
    }

    private static string FileName(MiniProgramCodeImage image) =>
        $"qrcode_{CodeRequestRules.FileSafe(image.Scene ?? image.Page.Split('?')[0].Replace('/', '_'))}{(image.ContentType == "image/png" ? ".png" : ".jpg")}";

    private async Task CopyUrlAsync()
    {
        if (generated is null) return;
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", ImageUrl(generated.Image.PublicId));
            Snackbar.Add(L["Copied to the clipboard"], Severity.Success);
        }
        catch (JSException)
        {
            Snackbar.Add(L["The browser refused clipboard access; select the text and copy it by hand"], Severity.Warning);
        }
    }
}
