using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Features.Billing;
using Portal.Resources;

namespace Portal.Features.Payments;

/// <summary>
/// The Top-up page's payment part: presets or a typed amount, the order's QR code (QRCoder, rendered on the server) with
/// a countdown, its status turning to paid — at once when this instance credited it (<see cref="TopUpService.OrderChanged"/>),
/// else at the next poll — and the user's orders.
/// </summary>
public sealed partial class WeChatPayPanel
{
    /// <summary>How often the open order is re-read from the database (a credit made by another instance).</summary>
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(3);

    [Inject] private TopUpService TopUps { get; set; } = default!;
    [Inject] private BillingLedger Ledger { get; set; } = default!;
    [Inject] private BalanceState Balance { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private MudForm form = default!;
    private bool isValid;
    private bool busy;
    private string? amountText;
    private string? error;
    private TopUpOrder? order;
    private string? qrDataUrl;
    private IReadOnlyList<TopUpOrder> orders = [];
    private string userId = "";
    private ITimer? timer;
    private DateTimeOffset nextPoll;
    private int refreshing;
    private System.Globalization.CultureInfo culture = System.Globalization.CultureInfo.CurrentCulture;
    private System.Globalization.CultureInfo uiCulture = System.Globalization.CultureInfo.CurrentUICulture;

    protected override async Task OnInitializedAsync()
    {
        // The circuit's culture: OrderChanged arrives on the thread (and culture) of whoever credited the order.
        (culture, uiCulture) = (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture);
        userId = (await AuthState).User.UserId();
        orders = await TopUps.ListOrdersAsync(userId);
        TopUps.OrderChanged += OnOrderChanged;
        timer = Time.CreateTimer(_ => _ = InvokeAsync(TickAsync), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private string? ValidateAmount(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!Money.TryParse(value, out var fen) || fen <= 0) return L["A number with at most two decimals, e.g. 50 or 19.90"].Value;
        return TopUps.IsValidAmount(fen) ? null
            : L["From {0} to {1}", UiFormat.Yuan(TopUps.Options.MinAmountFen), UiFormat.Yuan(TopUps.Options.MaxAmountFen)].Value;
    }

    private async Task PickAsync(long fen)
    {
        amountText = Money.Format(fen);
        await Task.Yield();
        await form.ValidateAsync();
    }

    private async Task CreateAsync()
    {
        await form.ValidateAsync();
        if (!form.IsValid || busy || !Money.TryParse(amountText, out var fen)) return;
        busy = true;
        error = null;
        try
        {
            var outcome = await TopUps.CreateOrderAsync(userId, fen, L["Portal balance top-up"]);
            if (outcome.Error == CreateOrderError.None && outcome.Order is { CodeUrl: { } codeUrl } created && codeUrl.Length > 0)
            {
                order = created;
                qrDataUrl = "data:image/png;base64," + Qr(codeUrl);
            }
            else
            {
                error = outcome.Error == CreateOrderError.InvalidAmount ? "That amount cannot be paid." : "WeChat Pay could not create the order. Try again later.";
            }
            orders = await TopUps.ListOrdersAsync(userId);
        }
        finally
        {
            busy = false;
        }
    }

    private void Reset()
    {
        order = null;
        qrDataUrl = null;
        error = null;
    }

    private void OnOrderChanged(Guid orderId)
    {
        if (order?.Id != orderId) return;
        _ = InvokeAsync(() =>
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
            System.Globalization.CultureInfo.CurrentUICulture = uiCulture;
            return RefreshAsync(force: true);
        });
    }

    private async Task TickAsync()
    {
        if (order is not { Status: TopUpOrderStatus.Pending }) return;
        if (Time.GetUtcNow() >= nextPoll) await RefreshAsync(force: false);
        StateHasChanged();
    }

    /// <summary>Re-reads the open order; when it was paid, shows it, refreshes the balance (app bar) and the list.</summary>
    private async Task RefreshAsync(bool force)
    {
        if (order is null || Interlocked.Exchange(ref refreshing, 1) == 1) return;
        try
        {
            nextPoll = Time.GetUtcNow() + PollEvery;
            var fresh = await TopUps.GetOrderAsync(userId, order.Id);
            if (fresh is null || (fresh.Status == order.Status && !force)) return;
            var wasPending = order.Status == TopUpOrderStatus.Pending;
            order = fresh;
            if (wasPending && fresh.Status == TopUpOrderStatus.Paid)
            {
                Balance.Set(await Ledger.GetBalanceFenAsync(userId));
                Snackbar.Add(L["Payment received: {0} added to your balance", UiFormat.Yuan(fresh.AmountFen)], Severity.Success);
            }
            orders = await TopUps.ListOrdersAsync(userId);
            StateHasChanged();
        }
        finally
        {
            Volatile.Write(ref refreshing, 0);
        }
    }

    private string Countdown()
    {
        var left = order is null ? TimeSpan.Zero : order.ExpiresAt - Time.GetUtcNow();
        if (left < TimeSpan.Zero) left = TimeSpan.Zero;
        return $"{(int)left.TotalMinutes:00}:{left.Seconds:00}";
    }

    private static string Qr(string text)
    {
        using var generator = new QRCoder.QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCoder.QRCodeGenerator.ECCLevel.M);
        return Convert.ToBase64String(new QRCoder.PngByteQRCode(data).GetGraphic(6));
    }

    /// <summary>The sentence shown for the open order's status (English key).</summary>
    private static string StatusText(TopUpOrderStatus status) => status switch
    {
        TopUpOrderStatus.Pending => "Waiting for payment…",
        TopUpOrderStatus.Paid => "Paid. Your balance has been topped up.",
        TopUpOrderStatus.Closed => "This order has expired. Choose an amount to start again.",
        _ => "This payment needs a check by an administrator; your balance was not changed yet.",
    };

    /// <summary>The short label of a status (English key); admins' page uses it too.</summary>
    internal static string StatusLabel(TopUpOrderStatus status) => status switch
    {
        TopUpOrderStatus.Pending => "Awaiting payment",
        TopUpOrderStatus.Paid => "Paid",
        TopUpOrderStatus.Closed => "Closed",
        _ => "Flagged",
    };

    /// <summary>Chip colour of a status.</summary>
    internal static Color StatusColor(TopUpOrderStatus status) => status switch
    {
        TopUpOrderStatus.Paid => Color.Success,
        TopUpOrderStatus.Flagged => Color.Error,
        TopUpOrderStatus.Pending => Color.Info,
        _ => Color.Default,
    };

    private static Severity StatusSeverity(TopUpOrderStatus status) => status switch
    {
        TopUpOrderStatus.Paid => Severity.Success,
        TopUpOrderStatus.Pending => Severity.Info,
        TopUpOrderStatus.Flagged => Severity.Error,
        _ => Severity.Warning,
    };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        TopUps.OrderChanged -= OnOrderChanged;
        if (timer is not null) await timer.DisposeAsync();
    }
}
