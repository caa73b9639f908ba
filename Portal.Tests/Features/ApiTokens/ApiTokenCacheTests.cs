using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.ApiTokens;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.ApiTokens;

/// <summary>
/// Token facts are verified from memory; the tokens in use are read again together (<see cref="ApiTokenService.RefreshInUseAsync"/>),
/// so a change made where this instance does not hear it (another instance without Redis) is seen at the next refresh,
/// while a change it hears applies at once.
/// </summary>
public sealed class ApiTokenCacheTests : IDisposable
{
    private readonly PortalFactory _factory = new(PortalFactory.NewDatabaseName(), deleteOnDispose: true)
    {
        // Nothing expires on its own during the test: only the refresh reads the database again.
        Settings = { ["Caching:EntryLifetime"] = "00:30:00" },
    };

    private ApiTokenService Tokens => _factory.Services.GetRequiredService<ApiTokenService>();

    [Fact]
    public async Task RefreshInUse_TokensInUseReadAgainTogether_ARevocationMadeElsewhereIsSeen()
    {
        var user = await _factory.CreateUserAsync();
        var used = await _factory.IssueTokenAsync(user, "used");
        var idle = await _factory.IssueTokenAsync(user, "idle");
        Assert.NotNull(await Tokens.AuthenticateAsync(used, null));
        Assert.NotNull(await Tokens.AuthenticateAsync(idle, null));
        Assert.Equal(2, await Tokens.RefreshInUseAsync());

        // Both revoked straight in the database, as another instance would without Redis: nothing heard here.
        await using (var db = await _factory.DbAsync())
            await db.ApiTokens.Where(t => t.UserId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, DateTimeOffset.UtcNow));
        Assert.NotNull(await Tokens.AuthenticateAsync(used, null));

        // Only the token verified since the last refresh is read again; the idle one keeps its facts until they expire.
        Assert.Equal(1, await Tokens.RefreshInUseAsync());
        Assert.Null(await Tokens.AuthenticateAsync(used, null));
        Assert.NotNull(await Tokens.AuthenticateAsync(idle, null));
        Assert.Equal(2, await Tokens.RefreshInUseAsync());
        Assert.Null(await Tokens.AuthenticateAsync(idle, null));
    }

    [Fact]
    public async Task Revoke_ThroughThisInstance_AppliesAtOnceAndARefreshDoesNotBringItBack()
    {
        var user = await _factory.CreateUserAsync();
        var secret = await _factory.IssueTokenAsync(user);
        var principal = await Tokens.AuthenticateAsync(secret, null);
        Assert.NotNull(principal);

        Assert.True(await Tokens.RevokeAsync(user.Id, principal.TokenId));

        Assert.Null(await Tokens.AuthenticateAsync(secret, null));
        await Tokens.RefreshInUseAsync();
        Assert.Null(await Tokens.AuthenticateAsync(secret, null));
    }

    public void Dispose() => _factory.Dispose();
}
