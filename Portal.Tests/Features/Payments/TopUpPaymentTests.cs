using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Features.Payments;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Payments;

/// <summary>
/// Top-up through a stand-in WeChat Pay (WireMock.Net, throwaway keys) on the real app and database: notifications,
/// queries and the reconciling job credit an order exactly once, and nothing unverified ever credits.
/// </summary>
[Trait("Category", TestCategories.Money)]
public sealed class TopUpPaymentTests : IDisposable
{
    private readonly WeChatPayHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task CreateOrder_SignsTheNativeRequest_AndStoresThePendingOrderWithItsCodeUrl()
    {
        var user = await _h.Factory.CreateUserAsync();
        var order = await _h.CreateOrderAsync(user, 5_000);

        Assert.Equal(TopUpOrderStatus.Pending, order.Status);
        Assert.Equal("weixin://wxpay/bizpayurl?pr=Abc1234", order.CodeUrl);
        Assert.Matches("^[0-9a-f]{32}$", order.OutTradeNo);
        var sent = Assert.Single(_h.Stub.LogEntries).RequestMessage;
        var body = JsonDocument.Parse(sent.Body!).RootElement;
        Assert.Equal(WeChatPayKeysForTests.MchId, body.GetProperty("mchid").GetString());
        Assert.Equal(WeChatPayKeysForTests.AppId, body.GetProperty("appid").GetString());
        Assert.Equal(order.OutTradeNo, body.GetProperty("out_trade_no").GetString());
        Assert.Equal(5_000, body.GetProperty("amount").GetProperty("total").GetInt64());
        Assert.Equal("CNY", body.GetProperty("amount").GetProperty("currency").GetString());
        Assert.EndsWith("+08:00", body.GetProperty("time_expire").GetString());

        // The Authorization header verifies with the merchant's public key over METHOD\nURL\ntimestamp\nnonce\nbody\n.
        var authorization = sent.Headers!["Authorization"].Single();
        Assert.StartsWith("WECHATPAY2-SHA256-RSA2048 ", authorization);
        var fields = authorization["WECHATPAY2-SHA256-RSA2048 ".Length..].Split(',')
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1].Trim('"'));
        Assert.Equal(WeChatPayKeysForTests.MchId, fields["mchid"]);
        Assert.Equal(WeChatPayKeysForTests.MerchantSerial, fields["serial_no"]);
        var message = WeChatPayCrypto.RequestMessage("POST", WeChatPayHarness.NativePath, long.Parse(fields["timestamp"]), fields["nonce_str"], sent.Body!);
        Assert.True(WeChatPayCrypto.Verify(_h.Keys.Merchant, message, fields["signature"]));

        await using var db = await _h.Factory.DbAsync();
        var stored = await db.TopUpOrders.SingleAsync(o => o.Id == order.Id);
        Assert.Equal(order.CodeUrl, stored.CodeUrl);
        Assert.Equal(order.CreatedAt + TimeSpan.FromMinutes(15), stored.ExpiresAt);
    }

    [Fact]
    public async Task CreateOrder_AmountOutsideLimits_IsRefusedWithoutCallingWeChatPay()
    {
        var user = await _h.Factory.CreateUserAsync();
        Assert.Equal(CreateOrderError.InvalidAmount, (await _h.TopUps.CreateOrderAsync(user.Id, 99, "x")).Error);
        Assert.Equal(CreateOrderError.InvalidAmount, (await _h.TopUps.CreateOrderAsync(user.Id, 500_001, "x")).Error);
        Assert.Empty(_h.Stub.LogEntries);
    }

    [Fact]
    public async Task CreateOrder_UnsignedAnswer_IsNotTrusted_AndTheOrderIsNotPayable()
    {
        var user = await _h.Factory.CreateUserAsync();
        _h.Stub.Given(WireMock.RequestBuilders.Request.Create().WithPath(WeChatPayHarness.NativePath).UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody("{\"code_url\":\"weixin://wxpay/bizpayurl?pr=Evil\"}"));

        var outcome = await _h.TopUps.CreateOrderAsync(user.Id, 1_000, "x");

        Assert.Equal(CreateOrderError.ProviderFailed, outcome.Error);
        await using var db = await _h.Factory.DbAsync();
        Assert.Null((await db.TopUpOrders.SingleAsync()).CodeUrl);
    }

    [Fact]
    public async Task Notification_Verified_CreditsOnce_AndTheLedgerNamesOrderAndTransaction()
    {
        var user = await _h.Factory.CreateUserAsync(balanceFen: 30);
        var order = await _h.CreateOrderAsync(user, 5_000);
        var published = new List<long>(); // what an open page's balance chip hears
        using var watch = _h.Factory.Services.GetRequiredService<BalanceFeed>().Watch(user.Id, b => { lock (published) published.Add(b); });

        var response = await _h.NotifyAsync(_h.Keys.Notification(WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 5_000, "4200001234")));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(5_030, (await _h.Factory.MoneyOfAsync(user.Id)).Balance);
        lock (published) Assert.Equal([5_030L], published);
        await using var db = await _h.Factory.DbAsync();
        var entry = await db.LedgerEntries.SingleAsync(e => e.UserId == user.Id && e.Kind == LedgerEntryKind.TopUp);
        Assert.Equal(5_000, entry.AmountFen);
        Assert.Equal(order.Id, entry.TopUpOrderId);
        Assert.Contains(order.OutTradeNo, entry.Description);
        Assert.Contains("4200001234", entry.Description);
        var paid = await db.TopUpOrders.SingleAsync(o => o.Id == order.Id);
        Assert.Equal(TopUpOrderStatus.Paid, paid.Status);
        Assert.Equal("4200001234", paid.TransactionId);
        await _h.Factory.AssertLedgerInvariantsAsync();

        // admin billing verify pairs paid orders with their credits: a credit whose order is not Paid is a violation.
        var audit = _h.Factory.Services.GetRequiredService<BillingAudit>();
        Assert.Equal(0, (await audit.RunAsync()).TopUpMismatches);
        await db.TopUpOrders.Where(o => o.Id == order.Id).ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, TopUpOrderStatus.Pending));
        var broken = await audit.RunAsync();
        Assert.Equal(1, broken.TopUpMismatches);
        Assert.False(broken.Holds(pendingIsViolation: false));
        await db.TopUpOrders.Where(o => o.Id == order.Id).ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, TopUpOrderStatus.Paid));
        Assert.Equal(0, (await audit.RunAsync()).TopUpMismatches);
    }

    public static TheoryData<string> Forgeries => new() { "tampered signature", "wrong serial", "stale timestamp", "future timestamp", "wrong APIv3 key", "signed by another key", "missing headers", "tampered body" };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Notification_NotVerifiable_IsRefusedWithFail_AndCreditsNothing(string forgery)
    {
        var user = await _h.Factory.CreateUserAsync();
        var order = await _h.CreateOrderAsync(user, 1_000);
        var transaction = WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 1_000);
        var body = _h.Keys.Notification(transaction, forgery == "wrong APIv3 key" ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : null);
        using var stranger = RSA.Create(2048);
        var headers = forgery switch
        {
            "wrong serial" => _h.Keys.SignedHeaders(body, _h.Now, serial: "PUB_KEY_ID_0000000000000000000000000000000000"),
            "stale timestamp" => _h.Keys.SignedHeaders(body, _h.Now - TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(2)),
            "future timestamp" => _h.Keys.SignedHeaders(body, _h.Now + TimeSpan.FromMinutes(6)),
            "signed by another key" => _h.Keys.SignedHeaders(body, _h.Now, signer: stranger),
            "missing headers" => new Dictionary<string, string>(),
            _ => _h.Keys.SignedHeaders(body, _h.Now),
        };
        if (forgery == "tampered signature")
        {
            var sig = Convert.FromBase64String(headers["Wechatpay-Signature"]);
            sig[10] ^= 1;
            headers["Wechatpay-Signature"] = Convert.ToBase64String(sig);
        }
        if (forgery == "tampered body") body = body.Replace("TRANSACTION.SUCCESS", "TRANSACTION.SUCCESS ");

        var response = await _h.NotifyAsync(body, headers);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("FAIL", json.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("message").GetString()));
        Assert.Equal(0, (await _h.Factory.MoneyOfAsync(user.Id)).Balance);
        await using var db = await _h.Factory.DbAsync();
        Assert.Equal(TopUpOrderStatus.Pending, (await db.TopUpOrders.SingleAsync(o => o.Id == order.Id)).Status);
    }

    [Fact]
    public async Task Notification_DuplicatesAndConcurrentCopies_CreditOnce()
    {
        var user = await _h.Factory.CreateUserAsync();
        var order = await _h.CreateOrderAsync(user, 2_000);
        var body = _h.Keys.Notification(WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 2_000));

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _h.NotifyAsync(body)));
        var again = await _h.NotifyAsync(_h.Keys.Notification(WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 2_000)));

        Assert.All(responses.Append(again), r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        var money = await _h.Factory.MoneyOfAsync(user.Id);
        Assert.Equal(2_000, money.Balance);
        Assert.Equal(1, money.Entries);
        await _h.Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task Notification_RacingQueriesAndReconcilers_CreditsOnce()
    {
        var user = await _h.Factory.CreateUserAsync();
        var order = await _h.CreateOrderAsync(user, 3_000);
        var transaction = WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 3_000);
        _h.QueryAnswers(order.OutTradeNo, transaction);
        var body = _h.Keys.Notification(transaction);

        var work = new List<Task>();
        for (var i = 0; i < 6; i++)
        {
            work.Add(_h.NotifyAsync(body));
            work.Add(_h.TopUps.RequeryAsync(order.Id));
            work.Add(_h.TopUps.ReconcileAsync(TimeSpan.Zero, 10));
        }
        await Task.WhenAll(work);

        var money = await _h.Factory.MoneyOfAsync(user.Id);
        Assert.Equal((3_000, 1), (money.Balance, money.Entries));
    }

    [Fact]
    public async Task LostNotification_TheReconcilingJobQueriesAndCredits()
    {
        var user = await _h.Factory.CreateUserAsync();
        var order = await _h.CreateOrderAsync(user, 1_500);
        _h.Factory.Clock.Advance(TimeSpan.FromMinutes(2));
        _h.QueryAnswers(order.OutTradeNo, WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 1_500));

        await using (var scope = _h.Factory.Scope())
            await scope.ServiceProvider.GetRequiredService<ReconcileTopUpOrdersJob>().RunAsync(CancellationToken.None);

        Assert.Equal(1_500, (await _h.Factory.MoneyOfAsync(user.Id)).Balance);
        Assert.Contains(_h.Stub.LogEntries, e => e.RequestMessage.Path == $"/v3/pay/transactions/out-trade-no/{order.OutTradeNo}"
            && e.RequestMessage.Query!["mchid"].Single() == WeChatPayKeysForTests.MchId);
    }

    [Fact]
    public async Task ExpiredUnpaidOrder_IsClosedAtWeChatPayAndHere_AndALaterForgedQueryNeverCredits()
    {
        var user = await _h.Factory.CreateUserAsync();
        var order = await _h.CreateOrderAsync(user, 1_000);
        _h.Factory.Clock.Advance(TimeSpan.FromMinutes(16));
        _h.QueryAnswers(order.OutTradeNo, WeChatPayKeysForTests.Transaction(order.OutTradeNo, "NOTPAY", 1_000));
        _h.CloseSucceeds(order.OutTradeNo);

        var summary = await _h.TopUps.ReconcileAsync(TimeSpan.FromMinutes(1), 10);

        Assert.Equal(new ReconcileSummary(1, 0, 1), summary);
        Assert.Contains(_h.Stub.LogEntries, e => e.RequestMessage.Path.EndsWith("/close", StringComparison.Ordinal));
        await using var db = await _h.Factory.DbAsync();
        Assert.Equal(TopUpOrderStatus.Closed, (await db.TopUpOrders.SingleAsync(o => o.Id == order.Id)).Status);
        Assert.Equal(0, (await _h.Factory.MoneyOfAsync(user.Id)).Balance);
        // The job no longer looks at it.
        Assert.Equal(0, (await _h.TopUps.ReconcileAsync(TimeSpan.Zero, 10)).Checked);
    }

    [Fact]
    public async Task OrderClosedAtWeChatPay_IsClosedHereAtOnce_WithoutWaitingForExpiry()
    {
        var user = await _h.Factory.CreateUserAsync();
        var order = await _h.CreateOrderAsync(user, 1_000);
        _h.QueryAnswers(order.OutTradeNo, WeChatPayKeysForTests.Transaction(order.OutTradeNo, "CLOSED", 1_000));

        var after = await _h.TopUps.RequeryAsync(order.Id);

        Assert.Equal(TopUpOrderStatus.Closed, after!.Status);
        Assert.Equal("closed at the provider", after.Note);
        Assert.DoesNotContain(_h.Stub.LogEntries, e => e.RequestMessage.Path.EndsWith("/close", StringComparison.Ordinal));
        Assert.Equal(0, (await _h.Factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Fact]
    public async Task ExpiredOrder_PaidJustBeforeTheClose_StaysPendingAndIsCreditedNextRun()
    {
        var user = await _h.Factory.CreateUserAsync();
        var order = await _h.CreateOrderAsync(user, 1_200);
        _h.Factory.Clock.Advance(TimeSpan.FromMinutes(16));
        _h.QueryAnswers(order.OutTradeNo, WeChatPayKeysForTests.Transaction(order.OutTradeNo, "NOTPAY", 1_200));
        _h.Stub.Given(WireMock.RequestBuilders.Request.Create().WithPath($"/v3/pay/transactions/out-trade-no/{order.OutTradeNo}/close").UsingPost())
            .RespondWith(_h.Keys.Answer(400, "{\"code\":\"ORDER_PAID\",\"message\":\"订单已支付\"}", _h.Now));

        Assert.Equal(new ReconcileSummary(1, 0, 0), await _h.TopUps.ReconcileAsync(TimeSpan.Zero, 10));
        _h.Stub.Reset();
        _h.QueryAnswers(order.OutTradeNo, WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 1_200));
        Assert.Equal(new ReconcileSummary(1, 1, 0), await _h.TopUps.ReconcileAsync(TimeSpan.Zero, 10));

        Assert.Equal(1_200, (await _h.Factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Fact]
    public async Task AmountOrCurrencyMismatch_IsNotCredited_AndTheOrderIsFlagged()
    {
        var user = await _h.Factory.CreateUserAsync();
        var order = await _h.CreateOrderAsync(user, 5_000);
        var other = await _h.CreateOrderAsync(user, 5_000);

        Assert.Equal(HttpStatusCode.NoContent, (await _h.NotifyAsync(_h.Keys.Notification(WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 1)))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _h.NotifyAsync(_h.Keys.Notification(WeChatPayKeysForTests.Transaction(other.OutTradeNo, "SUCCESS", 5_000, currency: "USD")))).StatusCode);
        // A correct report afterwards changes nothing: Flagged is final.
        await _h.NotifyAsync(_h.Keys.Notification(WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 5_000)));

        Assert.Equal(0, (await _h.Factory.MoneyOfAsync(user.Id)).Balance);
        await using var db = await _h.Factory.DbAsync();
        var flagged = await db.TopUpOrders.Where(o => o.Status == TopUpOrderStatus.Flagged).ToListAsync();
        Assert.Equal(2, flagged.Count);
        Assert.All(flagged, o => Assert.False(string.IsNullOrEmpty(o.Note)));
    }

    [Fact]
    public async Task ReportForAnotherMerchant_IsIgnored()
    {
        var user = await _h.Factory.CreateUserAsync();
        var order = await _h.CreateOrderAsync(user, 1_000);

        await _h.NotifyAsync(_h.Keys.Notification(WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 1_000, mchId: "1900000999")));

        Assert.Equal(0, (await _h.Factory.MoneyOfAsync(user.Id)).Balance);
    }
}
