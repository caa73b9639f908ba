using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Layout;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Components;

/// <summary>
/// MudBlazor's own texts — the table pager's "Rows per page:" and "1-3 of 3", its page-button aria labels — come from
/// the portal's resources through the app's <see cref="MudLocalizer"/>: Chinese on the Chinese UI, MudBlazor's English
/// on the English one.
/// </summary>
public sealed class MudBlazorTextsTests : PortalComponentTest
{
    [Theory]
    [InlineData("zh-CN", "每页行数：", "第 1-3 条，共 3 条", "下一页")]
    [InlineData("en", "Rows per page:", "1-3 of 3", "Next page")]
    public void TablePager_FollowsTheUiLanguage(string culture, string rowsPerPage, string info, string nextPage)
    {
        var appLocalizer = Factory.Services.GetRequiredService<MudLocalizer>();
        Assert.IsType<PortalMudLocalizer>(appLocalizer);
        Ctx.Services.AddTransient<MudLocalizer>(_ => Factory.Services.GetRequiredService<MudLocalizer>());
        UseCulture(culture);

        var cut = RenderTable();

        Assert.Contains(rowsPerPage, cut.Markup);
        Assert.Contains(info, cut.Markup);
        Assert.Contains($"aria-label=\"{nextPage}\"", cut.Markup);
    }

    private IRenderedComponent<MudTable<int>> RenderTable()
    {
        Ctx.SetRendererInfo(new RendererInfo("Server", true));
        var host = Ctx.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudTable<int>>(1);
            builder.AddAttribute(2, nameof(MudTable<int>.Items), new[] { 1, 2, 3 });
            builder.AddAttribute(3, nameof(MudTable<int>.RowTemplate), (RenderFragment<int>)(item => b => b.AddContent(0, item)));
            builder.AddAttribute(4, nameof(MudTable<int>.PagerContent), (RenderFragment)(b =>
            {
                b.OpenComponent<MudTablePager>(0);
                b.CloseComponent();
            }));
            builder.CloseComponent();
        });
        return host.FindComponent<MudTable<int>>();
    }
}
