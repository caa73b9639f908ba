namespace Portal.Resources;

/// <summary>
/// Marker for the portal's UI strings: <c>IStringLocalizer&lt;SharedResource&gt;</c>. Keys are the English text;
/// <c>SharedResource.zh-CN.resx</c> holds the Chinese (default culture) translations, and <c>SharedResource.en.resx</c>
/// translates the Chinese messages that services return (seed wording) for English pages.
/// </summary>
public sealed class SharedResource;
