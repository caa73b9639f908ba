using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Portal.Features.Payments;

/// <summary>
/// Configuration section <c>Payments:WeChatPay</c>: WeChat Pay API v3, Native (QR code) payments. The feature is on when
/// <see cref="MchId"/> is set; then every other credential is required and checked at start-up (README, "WeChat Pay").
/// <see cref="ApiV3Key"/> and the private key are secrets: they are never logged or shown.
/// </summary>
public sealed class WeChatPayOptions : IValidatableObject
{
    /// <summary>Section name.</summary>
    public const string Section = "Payments:WeChatPay";

    /// <summary>Merchant id (商户号, digits). Empty: WeChat Pay is off and the Top-up page offers redemption codes only.</summary>
    public string MchId { get; set; } = "";

    /// <summary>The AppID bound to the merchant (a service account, mini-program or open-platform app id).</summary>
    public string AppId { get; set; } = "";

    /// <summary>The APIv3 key (32 ASCII characters): decrypts notifications (AEAD_AES_256_GCM). Secret.</summary>
    public string ApiV3Key { get; set; } = "";

    /// <summary>Serial number of the merchant API certificate whose private key signs requests (hex).</summary>
    public string MerchantCertificateSerial { get; set; } = "";

    /// <summary>Path of the merchant API private key, PEM (<c>apiclient_key.pem</c>). Secret; relative paths are from the content root.</summary>
    public string MerchantPrivateKeyPath { get; set; } = "";

    /// <summary>Id of the WeChat Pay public key (<c>PUB_KEY_ID_…</c>); responses and notifications must name it in <c>Wechatpay-Serial</c>.</summary>
    public string PublicKeyId { get; set; } = "";

    /// <summary>Path of the WeChat Pay public key, PEM (<c>pub_key.pem</c>), that verifies responses and notifications.</summary>
    public string PublicKeyPath { get; set; } = "";

    /// <summary>Public https URL of Portal's notify endpoint, e.g. <c>https://portal.example.com/payments/wechatpay/notify</c>.</summary>
    public string NotifyUrl { get; set; } = "";

    /// <summary>API base URL. Default <c>https://api.mch.weixin.qq.com</c> (tests point it at a stub).</summary>
    public string ApiBaseUrl { get; set; } = "https://api.mch.weixin.qq.com";

    /// <summary>Amounts offered as buttons, in fen. Default (when unset) ¥10, ¥50, ¥100, ¥500.</summary>
    public long[]? PresetsFen { get; set; }

    /// <summary>The presets in effect: <see cref="PresetsFen"/>, or the defaults.</summary>
    public IReadOnlyList<long> Presets => PresetsFen is { Length: > 0 } p ? p : [1_000, 5_000, 10_000, 50_000];

    /// <summary>Smallest amount one order may have, in fen. Default ¥1.00.</summary>
    [Range(1, Billing.Money.MaxAmountFen)]
    public long MinAmountFen { get; set; } = 100;

    /// <summary>Largest amount one order may have, in fen. Default ¥5,000.00.</summary>
    [Range(1, Billing.Money.MaxAmountFen)]
    public long MaxAmountFen { get; set; } = 500_000;

    /// <summary>How long an order can be paid (WeChat's <c>time_expire</c>). Default 15 min.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan OrderLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Timeout of one call to WeChat Pay. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Oldest <c>Wechatpay-Timestamp</c> accepted on a response or notification. Default 5 min (WeChat's own rule).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>True when the merchant id is set: WeChat Pay is offered.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(MchId);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled) yield break;
        foreach (var (name, value) in new[]
                 {
                     (nameof(AppId), AppId), (nameof(ApiV3Key), ApiV3Key), (nameof(MerchantCertificateSerial), MerchantCertificateSerial),
                     (nameof(MerchantPrivateKeyPath), MerchantPrivateKeyPath), (nameof(PublicKeyId), PublicKeyId),
                     (nameof(PublicKeyPath), PublicKeyPath), (nameof(NotifyUrl), NotifyUrl),
                 })
        {
            if (string.IsNullOrWhiteSpace(value)) yield return new ValidationResult($"{Section}:{name} is required when {Section}:MchId is set", [name]);
        }
        // Never echo the key itself: only its length is reported.
        if (!string.IsNullOrEmpty(ApiV3Key) && Encoding.UTF8.GetByteCount(ApiV3Key) != 32)
            yield return new ValidationResult($"{Section}:ApiV3Key must be 32 bytes (it has {Encoding.UTF8.GetByteCount(ApiV3Key)})", [nameof(ApiV3Key)]);
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https"))
            yield return new ValidationResult($"{Section}:ApiBaseUrl must be an absolute http(s) URL", [nameof(ApiBaseUrl)]);
        if (!string.IsNullOrWhiteSpace(NotifyUrl) && (!Uri.TryCreate(NotifyUrl, UriKind.Absolute, out var notify) || notify.Scheme is not ("http" or "https")))
            yield return new ValidationResult($"{Section}:NotifyUrl must be an absolute URL (WeChat Pay requires https in production)", [nameof(NotifyUrl)]);
        if (MinAmountFen > MaxAmountFen)
            yield return new ValidationResult($"{Section}:MinAmountFen must not exceed MaxAmountFen", [nameof(MinAmountFen)]);
        if (Presets.Any(p => p < MinAmountFen || p > MaxAmountFen))
            yield return new ValidationResult($"{Section}:PresetsFen must lie between MinAmountFen and MaxAmountFen", [nameof(PresetsFen)]);
    }
}
