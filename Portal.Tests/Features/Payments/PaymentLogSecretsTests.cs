using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Tests.Security;

namespace Portal.Tests.Features.Payments;

/// <summary>The APIv3 key and the merchant private key never reach a log, with every category at Trace, across a whole payment flow.</summary>
public sealed class PaymentLogSecretsTests : IDisposable
{
    private readonly WeChatPayHarness _h = new();
    private readonly CapturingLoggerProvider _logs = new();

    public PaymentLogSecretsTests()
    {
        foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "System" })
            _h.Factory.Settings[$"Logging:LogLevel:{category}"] = "Trace";
        _h.Factory.TestServices.Add(services =>
        {
            services.AddSingleton<ILoggerProvider>(_logs);
            services.Configure<LoggerFilterOptions>(o =>
            {
                o.MinLevel = LogLevel.Trace;
                o.Rules.Add(new LoggerFilterRule(typeof(CapturingLoggerProvider).FullName, null, LogLevel.Trace, null));
            });
        });
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task PaymentFlow_TraceLogs_ContainNoApiV3KeyOrPrivateKey()
    {
        var user = await _h.Factory.CreateUserAsync();
        var paid = await _h.CreateOrderAsync(user, 1_000);
        var expired = await _h.CreateOrderAsync(user, 2_000);
        await _h.NotifyAsync(_h.Keys.Notification(Transaction(paid.OutTradeNo, 1_000)));
        await _h.NotifyAsync(_h.Keys.Notification(Transaction(paid.OutTradeNo, 1_000), apiV3Key: new string('x', 32))); // refused: logged
        _h.Factory.Clock.Advance(TimeSpan.FromMinutes(16));
        _h.QueryAnswers(expired.OutTradeNo, WeChatPayKeysForTests.Transaction(expired.OutTradeNo, "NOTPAY", 2_000));
        _h.CloseSucceeds(expired.OutTradeNo);
        await _h.TopUps.ReconcileAsync(TimeSpan.Zero, 10);

        var all = _logs.AllText;
        Assert.Contains("notification refused", all);
        Assert.Contains(paid.OutTradeNo, all);
        Assert.DoesNotContain(_h.Keys.ApiV3Key, all);
        var pem = File.ReadAllText(_h.Keys.MerchantKeyPath);
        var keyBody = pem.Split('\n')[1]; // a line of the base64 key material
        Assert.DoesNotContain(keyBody, all);
        Assert.DoesNotContain("PRIVATE KEY", all);
        Assert.DoesNotContain("WECHATPAY2-SHA256-RSA2048", all); // the Authorization header (its signature) is not logged either
    }

    private static string Transaction(string outTradeNo, long fen) => WeChatPayKeysForTests.Transaction(outTradeNo, "SUCCESS", fen);
}
