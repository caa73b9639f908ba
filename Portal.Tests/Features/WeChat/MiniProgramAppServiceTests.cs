using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.WeChat;
using WireMock.RequestBuilders;

namespace Portal.Tests.Features.WeChat;

/// <summary>The mini-program registry.</summary>
public sealed class MiniProgramAppServiceTests(WeChatFixture fx) : IClassFixture<WeChatFixture>
{
    private MiniProgramAppService Apps => fx.Factory.Services.GetRequiredService<MiniProgramAppService>();

    [Theory]
    [InlineData("wx123", "0123456789abcdef0123456789abcdef")]
    [InlineData("ab6b698b0251caccff", "0123456789abcdef0123456789abcdef")]
    [InlineData("wx6b698b0251caccfg", "0123456789abcdef0123456789abcdef")]
    [InlineData("wx6b698b0251caccff", "0123456789abcdef")]
    [InlineData("wx6b698b0251caccff", "0123456789abcdef0123456789abcdez")]
    [InlineData("", "0123456789abcdef0123456789abcdef")]
    public async Task Register_InvalidAppIdOrSecret_Rejected(string appId, string secret)
    {
        var user = await fx.Factory.CreateUserAsync();

        var result = await Apps.RegisterAsync(user.Id, appId, secret, null);

        Assert.False(result.Succeeded);
        Assert.NotNull(result.Error);
        Assert.Empty(await Apps.ListMineAsync(user.Id));
    }

    [Fact]
    public async Task Register_Valid_StoresSecretEncryptedAndShowsOnlyLast4()
    {
        var user = await fx.Factory.CreateUserAsync();
        var appId = WeChatStub.NewAppId();
        var secret = WeChatStub.NewSecret();

        var result = await Apps.RegisterAsync(user.Id, appId, secret, "  商城  ");

        Assert.True(result.Succeeded);
        Assert.Equal("商城", result.App!.Name);
        Assert.Equal(secret[^4..], result.App.SecretLast4);
        Assert.True(result.App.IsDefault);
        await using var db = await fx.Factory.DbAsync();
        var row = await db.MiniProgramApps.AsNoTracking().SingleAsync(a => a.AppId == appId);
        Assert.DoesNotContain(secret, row.ProtectedSecret);
        var entity = (await Apps.FindOwnedByAppIdAsync(user.Id, appId))!;
        Assert.True(Apps.SecretMatches(entity, secret));
        Assert.False(Apps.SecretMatches(entity, WeChatStub.NewSecret()));
        Assert.Equal(secret, Apps.UnprotectSecret(entity));
    }

    [Fact]
    public async Task Register_SameAppIdTwiceForOneUser_SecondRejectedButAnotherUserMayRegisterIt()
    {
        var user = await fx.Factory.CreateUserAsync();
        var other = await fx.Factory.CreateUserAsync();
        var appId = WeChatStub.NewAppId();

        var first = await Apps.RegisterAsync(user.Id, appId, WeChatStub.NewSecret(), null);
        var again = await Apps.RegisterAsync(user.Id, appId, WeChatStub.NewSecret(), null);
        var others = await Apps.RegisterAsync(other.Id, appId, WeChatStub.NewSecret(), null);

        Assert.True(first.Succeeded);
        Assert.False(again.Succeeded);
        Assert.True(others.Succeeded);
        Assert.Equal(appId, first.App!.Name);
    }

    [Fact]
    public async Task SetDefaultAndDelete_KeepExactlyOneDefault()
    {
        var user = await fx.Factory.CreateUserAsync();
        var a = (await Apps.RegisterAsync(user.Id, WeChatStub.NewAppId(), WeChatStub.NewSecret(), "A")).App!;
        var b = (await Apps.RegisterAsync(user.Id, WeChatStub.NewAppId(), WeChatStub.NewSecret(), "B")).App!;
        var c = (await Apps.RegisterAsync(user.Id, WeChatStub.NewAppId(), WeChatStub.NewSecret(), "C")).App!;
        Assert.Equal(a.Id, (await Apps.FindDefaultAsync(user.Id))!.Id);

        Assert.True(await Apps.SetDefaultAsync(user.Id, c.Id));
        var afterSet = await Apps.ListMineAsync(user.Id);
        Assert.Single(afterSet, x => x.IsDefault);
        Assert.Equal(c.Id, afterSet[0].Id);

        Assert.True(await Apps.DeleteAsync(user.Id, c.Id));
        var afterDelete = await Apps.ListMineAsync(user.Id);
        Assert.Equal(2, afterDelete.Count);
        Assert.Equal(a.Id, Assert.Single(afterDelete, x => x.IsDefault).Id);
        Assert.Contains(afterDelete, x => x.Id == b.Id);
    }

    [Fact]
    public async Task OtherUsersApp_InvisibleToThemButVisibleToAdmin()
    {
        var owner = await fx.Factory.CreateUserAsync();
        var stranger = await fx.Factory.CreateUserAsync();
        var app = (await Apps.RegisterAsync(owner.Id, WeChatStub.NewAppId(), WeChatStub.NewSecret(), null)).App!;

        Assert.Null(await Apps.GetForUserAsync(app.Id, stranger.Id, isAdmin: false));
        Assert.NotNull(await Apps.GetForUserAsync(app.Id, stranger.Id, isAdmin: true));
        Assert.Null(await Apps.FindOwnedByAppIdAsync(stranger.Id, app.AppId));
        Assert.False(await Apps.SetDefaultAsync(stranger.Id, app.Id));
        Assert.False(await Apps.DeleteAsync(stranger.Id, app.Id));
        Assert.Null(await Apps.TestCredentialsAsync(stranger.Id, app.Id));
        Assert.NotNull(await Apps.GetForUserAsync(app.Id, owner.Id, isAdmin: false));
    }

    [Fact]
    public async Task TestCredentials_StubAnswers_RecordsOutcome()
    {
        fx.Stub.Reset();
        var user = await fx.Factory.CreateUserAsync();
        var good = (await Apps.RegisterAsync(user.Id, WeChatStub.NewAppId(), WeChatStub.NewSecret(), null)).App!;
        var bad = (await Apps.RegisterAsync(user.Id, WeChatStub.NewAppId(), WeChatStub.NewSecret(), null)).App!;
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).WithBody(new WireMock.Matchers.WildcardMatcher($"*{bad.AppId}*")).UsingPost())
            .RespondWith(WeChatStub.ErrCode(40125, "invalid appsecret"));
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).WithBody(new WireMock.Matchers.WildcardMatcher($"*{good.AppId}*")).UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithBodyAsJson(new { access_token = "OK-TOKEN", expires_in = 7200 }));

        var ok = await Apps.TestCredentialsAsync(user.Id, good.Id);
        var failed = await Apps.TestCredentialsAsync(user.Id, bad.Id);

        Assert.True(ok!.Ok);
        Assert.False(failed!.Ok);
        Assert.Equal(40125, failed.ErrCode);
        var list = await Apps.ListMineAsync(user.Id);
        Assert.True(list.Single(a => a.Id == good.Id).LastTestOk);
        Assert.False(list.Single(a => a.Id == bad.Id).LastTestOk);
        Assert.NotNull(list.Single(a => a.Id == bad.Id).LastTestedAt);
    }

    [Fact]
    public async Task AdminCli_AppsRegister_RegistersForTheUser()
    {
        var user = await fx.Factory.CreateUserAsync();
        var appId = WeChatStub.NewAppId();
        var secret = WeChatStub.NewSecret();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await Portal.Features.Admin.AdminCli.RunAsync(fx.Factory.Services,
            ["apps", "register", "--email", user.Email, "--appid", appId, "--secret", secret, "--name", "CLI app"], stdout, stderr);
        var bad = await Portal.Features.Admin.AdminCli.RunAsync(fx.Factory.Services,
            ["apps", "register", "--email", user.Email, "--appid", "wx1", "--secret", secret], new StringWriter(), stderr);

        Assert.Equal(0, exit);
        Assert.Contains(appId, stdout.ToString());
        Assert.DoesNotContain(secret, stdout.ToString());
        Assert.Equal(1, bad);
        Assert.Equal("CLI app", (await Apps.FindOwnedByAppIdAsync(user.Id, appId))!.Name);
    }
}
