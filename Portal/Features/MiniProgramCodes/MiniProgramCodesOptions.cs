using System.ComponentModel.DataAnnotations;

namespace Portal.Features.MiniProgramCodes;

/// <summary>Configuration section <c>MiniProgramCodes</c>.</summary>
public sealed class MiniProgramCodesOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "MiniProgramCodes";

    /// <summary>
    /// How long an identical request is answered from the stored image without calling WeChat (still billed,
    /// seed 000; seed 001 "生成的小程序码会被缓存1小时"). Default 01:00:00; zero disables the cache.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "10675199.02:48:05.4775807", ErrorMessage = "MiniProgramCodes:CacheTtl must not be negative")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a stored image stays served at its public URL. Default 30 days; at least <see cref="CacheTtl"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "10675199.02:48:05.4775807", ErrorMessage = "MiniProgramCodes:Retention must be positive")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}
