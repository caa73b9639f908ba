using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Resources;

namespace Portal.Components.Layout;

/// <summary>
/// MudBlazor's own texts (table pager "Rows per page:" and "1-10 of 25", pager and close-button aria labels, …) from
/// <see cref="SharedResource"/>: the resource names are MudBlazor's keys (e.g. <c>MudDataGridPager_RowsPerPage</c>),
/// present in the zh-CN file. A key without an entry for the current culture reports
/// <see cref="LocalizedString.ResourceNotFound"/>, and MudBlazor then uses its built-in English.
/// </summary>
public sealed class PortalMudLocalizer(IStringLocalizer<SharedResource> localizer) : MudLocalizer
{
    /// <inheritdoc />
    public override LocalizedString this[string key] => localizer[key];

    /// <inheritdoc />
    public override LocalizedString this[string key, params object[] arguments] => localizer[key, arguments];
}
