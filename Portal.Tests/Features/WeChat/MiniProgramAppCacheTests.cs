using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.WeChat;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.WeChat;

/// <summary>
/// The API routes' app look-ups (by AppID, and the default) are answered from memory; the apps in use are read again
/// together (<see cref="MiniProgramAppService.RefreshInUseAsync"/>), so a change made where this instance does not hear
/// it (another instance without Redis) is seen at the next refresh, while a change it hears applies at once.
/// </summary>
public sealed class MiniProgramAppCacheTests : IDisposable
{
    private readonly PortalFactory _factory = new(PortalFactory.NewDatabaseName(), deleteOnDispose: true)
    {
        // Nothing expires on its own during the test: only the refresh reads the database again.
        Settings = { ["Caching:EntryLifetime"] = "00:30:00" },
    };

    private MiniProgramAppService Apps => _factory.Services.GetRequiredService<MiniProgramAppService>();

    [Fact]
    public async Task RefreshInUse_AppsInUseReadAgainTogether_ChangesMadeElsewhereAreSeen()
    {
        var user = await _factory.CreateUserAsync();
        var other = await _factory.CreateUserAsync();
        var first = (await Apps.RegisterAsync(user.Id, WeChatStub.NewAppId(), WeChatStub.NewSecret(), "first")).App!;
        var second = (await Apps.RegisterAsync(user.Id, WeChatStub.NewAppId(), WeChatStub.NewSecret(), "second")).App!;
        var idle = (await Apps.RegisterAsync(other.Id, WeChatStub.NewAppId(), WeChatStub.NewSecret(), "idle")).App!;
        Assert.Equal(first.Id, (await Apps.FindDefaultAsync(user.Id))!.Id);
        Assert.Equal(second.Id, (await Apps.FindOwnedByAppIdAsync(user.Id, second.AppId))!.Id);
        Assert.Equal(idle.Id, (await Apps.FindOwnedByAppIdAsync(other.Id, idle.AppId))!.Id);
        Assert.Equal(3, await Apps.RefreshInUseAsync());

        // Changed straight in the database, as another instance would without Redis: nothing heard here. The second app
        // becomes the default and is renamed; the idle user's app is deleted.
        await using (var db = await _factory.DbAsync())
        {
            await db.MiniProgramApps.Where(a => a.UserId == user.Id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.IsDefault, a => a.Id == second.Id).SetProperty(a => a.Name, "renamed"));
            await db.MiniProgramApps.Where(a => a.Id == idle.Id).ExecuteDeleteAsync();
        }
        Assert.Equal(first.Id, (await Apps.FindDefaultAsync(user.Id))!.Id);
        Assert.Equal("second", (await Apps.FindOwnedByAppIdAsync(user.Id, second.AppId))!.Name);

        // Only the look-ups answered since the last refresh are read again; the idle app stays until it expires.
        Assert.Equal(2, await Apps.RefreshInUseAsync());
        Assert.Equal(second.Id, (await Apps.FindDefaultAsync(user.Id))!.Id);
        Assert.Equal("renamed", (await Apps.FindOwnedByAppIdAsync(user.Id, second.AppId))!.Name);
        Assert.NotNull(await Apps.FindOwnedByAppIdAsync(other.Id, idle.AppId));
        Assert.Equal(2, await Apps.RefreshInUseAsync());
        Assert.Null(await Apps.FindOwnedByAppIdAsync(other.Id, idle.AppId));

        // Every app of the user deleted elsewhere while in use: the default and the AppID look-up answer "none" after
        // the refresh.
        await using (var db = await _factory.DbAsync())
            await db.MiniProgramApps.Where(a => a.UserId == user.Id).ExecuteDeleteAsync();
        Assert.NotNull(await Apps.FindDefaultAsync(user.Id));
        Assert.NotNull(await Apps.FindOwnedByAppIdAsync(user.Id, second.AppId));
        Assert.Equal(0, await Apps.RefreshInUseAsync());
        Assert.Null(await Apps.FindDefaultAsync(user.Id));
        Assert.Null(await Apps.FindOwnedByAppIdAsync(user.Id, second.AppId));
    }

    [Fact]
    public async Task Delete_ThroughThisInstance_AppliesAtOnceAndARefreshDoesNotBringItBack()
    {
        var user = await _factory.CreateUserAsync();
        var app = (await Apps.RegisterAsync(user.Id, WeChatStub.NewAppId(), WeChatStub.NewSecret(), null)).App!;
        Assert.NotNull(await Apps.FindDefaultAsync(user.Id));
        Assert.NotNull(await Apps.FindOwnedByAppIdAsync(user.Id, app.AppId));

        Assert.True(await Apps.DeleteAsync(user.Id, app.Id));

        Assert.Null(await Apps.FindDefaultAsync(user.Id));
        Assert.Null(await Apps.FindOwnedByAppIdAsync(user.Id, app.AppId));
        Assert.Equal(0, await Apps.RefreshInUseAsync());
        Assert.Null(await Apps.FindDefaultAsync(user.Id));
        Assert.Null(await Apps.FindOwnedByAppIdAsync(user.Id, app.AppId));
    }

    public void Dispose() => _factory.Dispose();
}
