using System.Globalization;
using Portal.Components.Shared;

namespace Portal.Features.Links;

/// <summary>
/// The optional short-link fields as a form holds them (text typed, a date picked) and their checks, each one the
/// API's own rule (<see cref="ShortLinkDetails.Validate"/>) applied to that field alone, so that the create form, the
/// edit dialog and the API accept and refuse the same values. Messages are resource keys (Chinese API messages).
/// </summary>
public sealed class ShortLinkFormFields
{
    /// <summary>Chosen slug (create only), or blank for a random code.</summary>
    public string? Slug { get; set; }

    /// <summary>Title, or blank.</summary>
    public string? Title { get; set; }

    /// <summary>Tags separated by commas or spaces, or blank.</summary>
    public string? Tags { get; set; }

    /// <summary>Last day (China Standard Time) the link works, or null for never.</summary>
    public DateTime? ExpiresOn { get; set; }

    /// <summary>Maximum visits as typed, or blank for unlimited.</summary>
    public string? MaxVisits { get; set; }

    /// <summary>The fields of an existing link, for editing.</summary>
    public static ShortLinkFormFields From(ShortLinkRow link) => new()
    {
        Title = link.Title, Tags = string.Join(", ", link.Tags), ExpiresOn = link.ExpiresAt is { } e ? UiFormat.Local(e).Date : null,
        MaxVisits = link.MaxVisits?.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Message key for the slug, or null when acceptable (availability is checked on submit).</summary>
    public static string? CheckSlug(string? value) => string.IsNullOrWhiteSpace(value) ? null : ShortLinkSlug.Validate(value.Trim());

    /// <summary>Message key for the title, or null.</summary>
    public static string? CheckTitle(string? value) => new ShortLinkDetails(Title: value).Validate(DateTimeOffset.MinValue).Error;

    /// <summary>Message key for the tags, or null.</summary>
    public static string? CheckTags(string? value) => ShortLinkTags.Validate(ShortLinkTags.Split(value)).Error;

    /// <summary>Message key for the maximum visits, or null.</summary>
    public static string? CheckMaxVisits(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var max)
            ? new ShortLinkDetails(MaxVisits: max).Validate(DateTimeOffset.MinValue).Error
            : ShortLinkDetails.MaxVisitsError;
    }

    /// <summary>
    /// The details to submit: the expiry is the end of the picked day in China Standard Time
    /// (<see cref="UiFormat.EndOfDay"/>). Unparsable maximum visits become 0, which validation refuses.
    /// </summary>
    public ShortLinkDetails ToDetails() => new(
        Slug, Title, ShortLinkTags.Split(Tags).ToList(), UiFormat.EndOfDay(ExpiresOn),
        string.IsNullOrWhiteSpace(MaxVisits) ? null : long.TryParse(MaxVisits.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var max) ? max : 0);
}
