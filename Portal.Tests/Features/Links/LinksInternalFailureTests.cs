using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Features.Billing;
using Portal.Features.Links;
using Portal.Infrastructure.Persistence;
using Portal.Tests.TestInfrastructure;
using static Portal.Tests.TestInfrastructure.GatewayAssert;

namespace Portal.Tests.Features.Links;

/// <summary>
/// An app whose <see cref="LinkService"/> cannot reach its storage: a real <c>LinkService</c> built over a database
/// factory that throws, while the ledger keeps the real database. Storing a link then fails after the debit, which is
/// the 500 path of seed 002 / CONTRACTS.md (refunded).
/// </summary>
public sealed class BrokenLinkStoragePortalFactory : PortalFactory
{
    public BrokenLinkStoragePortalFactory()
    {
        TestServices.Add(services => services.Replace(ServiceDescriptor.Singleton(sp =>
            new LinkService(new ThrowingDbContextFactory(), sp.GetRequiredService<TimeProvider>()))));
    }

    private sealed class ThrowingDbContextFactory : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => throw new InvalidOperationException("link storage is down (test)");

        public Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("link storage is down (test)");
    }
}

/// <summary>The 500 path: an internal failure after the debit answers 500 in the envelope with the charge refunded.</summary>
[Trait("Category", TestCategories.Money)]
public sealed class LinksInternalFailureTests(BrokenLinkStoragePortalFactory factory) : IClassFixture<BrokenLinkStoragePortalFactory>
{
    public static TheoryData<string, string, string> Routes => new()
    {
        { "/generate-shortlink", "{\"longUrl\":\"https://example.com/\"}", BillableProducts.ShortLinkCreate },
        { "/generate-miniprogram-link", "{\"appid\":\"wx6b698b0251caccff\",\"pagepath\":\"pages/index/index\"}", BillableProducts.MiniProgramLinkCreate },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task BilledRoute_FailureAfterDebit_500WithRefundedBalanceAndCompensatingEntry(string route, string body, string product)
    {
        var user = await factory.CreateUserAsync(100);
        var client = factory.ApiClient(await factory.IssueTokenAsync(user));

        var response = await client.PostRawAsync(route, body);

        IsError(response, 500, "1.00");
        Assert.DoesNotContain("link storage is down", response.Body.GetProperty("msg").GetString());
        var charge = Assert.Single(await factory.ChargesOfAsync(user.Id));
        Assert.Equal(ChargeStatus.Refunded, charge.Status);
        Assert.Equal(product, charge.Product);
        Assert.Equal(response.RequestId, charge.RequestId);
        Assert.NotNull(charge.FailureReason);
        var entries = await factory.LedgerOfAsync(user.Id);
        Assert.Equal(3, entries.Count); // funding, debit, refund
        var debit = Assert.Single(entries, e => e.Kind == LedgerEntryKind.Charge);
        var refund = Assert.Single(entries, e => e.Kind == LedgerEntryKind.Refund);
        Assert.Equal(-10, debit.AmountFen);
        Assert.Equal(10, refund.AmountFen);
        Assert.Equal(debit.Id, refund.RefundOfEntryId);
        Assert.Equal(100, refund.BalanceAfterFen);
        Assert.Equal((100L, 100L, 3), await factory.MoneyOfAsync(user.Id));
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task GenerateShortLink_FailureAfterDebitRepeated_EachRefundedBalanceNeverLost()
    {
        var user = await factory.CreateUserAsync(20);
        var client = factory.ApiClient(await factory.IssueTokenAsync(user));

        var responses = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(_ => client.PostRawAsync("/generate-shortlink", "{\"longUrl\":\"https://example.com/\"}")));

        // With 0.20 and concurrent calls, a call sees 500 (debited then refunded) or 402 (both fen were in flight).
        Assert.All(responses, r => Assert.Contains(r.Status, new[] { 500, 402 }));
        Assert.Contains(responses, r => r.Status == 500);
        var charges = await factory.ChargesOfAsync(user.Id);
        Assert.Equal(responses.Count(r => r.Status == 500), charges.Count);
        Assert.All(charges, c => Assert.Equal(ChargeStatus.Refunded, c.Status));
        Assert.Equal((20L, 20L, 1 + 2 * charges.Count), await factory.MoneyOfAsync(user.Id));
    }
}
