using MudBlazor;
using Portal.Features.Billing;

namespace Portal.Components.Shared;

/// <summary>Localization keys and colours for ledger kinds, charge statuses and product codes.</summary>
public static class LedgerText
{
    /// <summary>The English key for a ledger entry kind.</summary>
    public static string Kind(LedgerEntryKind kind) => kind switch
    {
        LedgerEntryKind.TopUp => "Top-up",
        LedgerEntryKind.Redeem => "Code redeemed",
        LedgerEntryKind.AdminAdjust => "Admin adjustment",
        LedgerEntryKind.Charge => "Charge",
        LedgerEntryKind.Refund => "Refund",
        LedgerEntryKind.TestCredit => "Test credit",
        _ => kind.ToString(),
    };

    /// <summary>The English key for a product code (the code itself when unknown).</summary>
    public static string Product(string product) => product switch
    {
        BillableProducts.ShortLinkCreate => "Create short link",
        BillableProducts.MiniProgramLinkCreate => "Create mini-program link",
        BillableProducts.MiniProgramLinkDecode => "Decode mini-program link",
        BillableProducts.QrCodeGenerate => "Generate mini-program code",
        BillableProducts.WeChatCode2Session => "WeChat login (code2Session)",
        BillableProducts.WeChatDecode => "Decrypt WeChat data",
        BillableProducts.WeChatOpenId => "Get openId",
        BillableProducts.WeChatUnionId => "Get unionId",
        BillableProducts.WeChatAccessToken => "Get access_token",
        _ => product,
    };

    /// <summary>Chip colour of a charge status.</summary>
    public static Color StatusColor(ChargeStatus status) => status switch
    {
        ChargeStatus.Succeeded => Color.Success,
        ChargeStatus.Refunded => Color.Warning,
        _ => Color.Default,
    };
}
