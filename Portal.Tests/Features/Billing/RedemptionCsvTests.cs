using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

public sealed class RedemptionCsvTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _factory;

    public RedemptionCsvTests(PortalFactory factory) => _factory = factory;

    [Fact]
    public async Task ExportCsv_RedeemerEmailStartingWithFormulaCharacter_IsNeutralised()
    {
        var user = await _factory.CreateUserAsync(email: $"-2+3-{Guid.NewGuid():N}@example.com");
        var codes = _factory.Services.GetRequiredService<RedemptionCodeService>();
        var (batch, created) = await codes.CreateBatchAsync("admin-1", 100, 1, null);
        Assert.True((await _factory.Services.GetRequiredService<BillingLedger>().RedeemAsync(user.Id, created[0].Code)).Succeeded);

        var csv = await codes.ExportCsvAsync(batch.Id);

        var row = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split(',');
        Assert.Equal("'" + user.Email, row[4]);
        Assert.Equal("1.00", row[1]);
    }
}
