using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Features.Payments;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Payments;

/// <summary>Payments are off unless configured; when configured, every credential is checked at start-up without echoing secrets.</summary>
public sealed class WeChatPayOptionsTests
{
    [Fact]
    public async Task NotConfigured_PaymentsAreOff_AndNoOrderCanBeCreated()
    {
        using var factory = new PortalFactory();
        var topUps = factory.Services.GetRequiredService<TopUpService>();
        var user = await factory.CreateUserAsync();

        Assert.False(topUps.Enabled);
        Assert.Equal(CreateOrderError.Disabled, (await topUps.CreateOrderAsync(user.Id, 1_000, "x")).Error);
        var response = await factory.CreateClient().PostAsync(PaymentsExtensions.WeChatPayNotifyPath, new StringContent("{}"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public void MerchantIdWithoutTheRest_FailsValidation_NamingEachMissingSetting()
    {
        var errors = Validate(new WeChatPayOptions { MchId = "1900000109" });
        foreach (var name in new[] { "AppId", "ApiV3Key", "MerchantCertificateSerial", "MerchantPrivateKeyPath", "PublicKeyId", "PublicKeyPath", "NotifyUrl" })
            Assert.Contains(errors, e => e.Contains(name));
    }

    [Fact]
    public void ApiV3KeyOfWrongLength_FailsWithoutEchoingIt()
    {
        const string key = "short-secret-key";
        var errors = Validate(Complete(o => o.ApiV3Key = key));
        var error = Assert.Single(errors);
        Assert.Contains("32 bytes", error);
        Assert.DoesNotContain(key, error);
    }

    [Fact]
    public void PresetsOutsideTheLimits_AndMinAboveMax_Fail()
    {
        Assert.Contains(Validate(Complete(o => o.PresetsFen = [50])), e => e.Contains("PresetsFen"));
        Assert.Contains(Validate(Complete(o => { o.MinAmountFen = 1_000; o.MaxAmountFen = 100; o.PresetsFen = [500]; })), e => e.Contains("MinAmountFen"));
        Assert.Empty(Validate(Complete(_ => { })));
    }

    [Fact]
    public void MissingKeyFile_StopsStartUp()
    {
        using var keys = new WeChatPayKeysForTests();
        using var factory = new PortalFactory();
        keys.Configure(factory, "http://127.0.0.1:9");
        factory.Settings["Payments:WeChatPay:PublicKeyPath"] = Path.Combine(keys.Directory, "missing.pem");

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);
        Assert.Contains("PublicKeyPath", error.ToString());
        Assert.DoesNotContain(keys.ApiV3Key, error.ToString());
    }

    private static WeChatPayOptions Complete(Action<WeChatPayOptions> change)
    {
        var o = new WeChatPayOptions
        {
            MchId = "1900000109", AppId = "wxd678efh567hg6787", ApiV3Key = new string('k', 32), MerchantCertificateSerial = "ABC",
            MerchantPrivateKeyPath = "k.pem", PublicKeyId = "PUB_KEY_ID_1", PublicKeyPath = "p.pem", NotifyUrl = "https://portal.example.com/payments/wechatpay/notify",
        };
        change(o);
        return o;
    }

    private static List<string> Validate(WeChatPayOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? "").ToList();
    }
}
