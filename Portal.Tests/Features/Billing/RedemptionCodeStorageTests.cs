using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>Redemption codes are stored like API tokens: a hash and a four-character hint, the code shown once.</summary>
[Trait("Category", TestCategories.Money)]
public sealed class RedemptionCodeStorageTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task CreateBatch_StoresOnlyHashesAndHints_RedeemStillWorks()
    {
        var admin = await factory.CreateUserAsync();
        var (batch, codes) = await factory.Services.GetRequiredService<RedemptionCodeService>().CreateBatchAsync(admin.Id, 300, 5, null);

        await using (var db = await factory.DbAsync())
        {
            var rows = await db.RedemptionCodes.AsNoTracking().Where(c => c.BatchId == batch.Id).ToListAsync();
            Assert.Equal(5, rows.Count);
            Assert.All(rows, r => Assert.Equal("", r.LegacyCode));
            Assert.Equal(codes.Select(c => RedemptionCodes.Hash(c.Code)).Order(), rows.Select(r => r.CodeHash).Order());
            Assert.Equal(codes.Select(c => c.Code[^4..]).Order(), rows.Select(r => r.Hint).Order());
            var everything = string.Join("|", rows.Select(r => $"{r.CodeHash}{r.Hint}{r.LegacyCode}"));
            Assert.All(codes, c => Assert.DoesNotContain(c.Code, everything));
        }

        var user = await factory.CreateUserAsync();
        var redeemed = await factory.Services.GetRequiredService<BillingLedger>().RedeemAsync(user.Id, codes[2].Code.ToLowerInvariant());
        Assert.True(redeemed.Succeeded);
        Assert.Equal((300L, 300L, 1), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task LegacyPlaintextCode_HashedAtStartUp_ThenRedeemable()
    {
        var admin = await factory.CreateUserAsync();
        var (batch, _) = await factory.Services.GetRequiredService<RedemptionCodeService>().CreateBatchAsync(admin.Id, 100, 1, null);
        const string legacy = "PTL-LEGA-CY23-AB9Z";
        await using (var db = await factory.DbAsync())
        {
            db.RedemptionCodes.Add(new RedemptionCode
            {
                Id = Guid.CreateVersion7(), LegacyCode = legacy, Hint = "", BatchId = batch.Id, AmountFen = 100,
                Status = RedemptionCodeStatus.Available, CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        Assert.True(await factory.Services.GetRequiredService<RedemptionCodeService>().HashLegacyCodesAsync() >= 1);

        await using (var db = await factory.DbAsync())
        {
            var row = await db.RedemptionCodes.AsNoTracking().SingleAsync(c => c.CodeHash == RedemptionCodes.Hash(legacy));
            Assert.Equal("", row.LegacyCode);
            Assert.Equal("AB9Z", row.Hint);
        }
        var user = await factory.CreateUserAsync();
        Assert.True((await factory.Services.GetRequiredService<BillingLedger>().RedeemAsync(user.Id, legacy)).Succeeded);
    }
}
