using System.ComponentModel.DataAnnotations;

namespace Portal.Features.WeChat;

/// <summary>Configuration section <c>WeChat</c> (docs/wechat.md §1, §2).</summary>
public sealed class WeChatOptions : IValidatableObject
{
    /// <summary>Section name.</summary>
    public const string Section = "WeChat";

    /// <summary>WeChat API base URL, absolute http(s). Default <c>https://api.weixin.qq.com</c> (tests point it at a stub).</summary>
    [Required]
    public string ApiBaseUrl { get; set; } = "https://api.weixin.qq.com";

    /// <summary>Timeout of one JSON call (token, code2Session). Default 5 s (§9.2.8).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan JsonTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of one image call (the code endpoints). Default 10 s (§9.2.8).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00")]
    public TimeSpan ImageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Safety margin subtracted from WeChat's <c>expires_in</c> (§9.2.1: 5–10 min). Capped at half the lifetime, so
    /// a short-lived token is still used. Default 5 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TokenExpiryMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First backoff after errcode -1 (system busy); doubled for the second and last retry. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan BusyRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long one instance may hold the cross-instance refresh lease. Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RefreshLeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Lifetime of a seed-003 login session token. Default 3 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(3);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return new ValidationResult("WeChat:ApiBaseUrl must be an absolute http(s) URL", [nameof(ApiBaseUrl)]);
    }
}
