using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Shared;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>Filters of the Ledger and Calls pages and their CSV exports, over real SQLite and the real HTTP stack.</summary>
public sealed class LedgerExportTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("-0.10", "-0.10")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("短链", "短链")]
    public void Cell_FormulaOrSeparator_IsNeutralisedOrQuoted(string value, string expected) =>
        Assert.Equal(expected, LedgerCsv.Cell(value));

    [Fact]
    public void Filter_QueryString_RoundTripsAndIgnoresUnknownValues()
    {
        var f = new LedgerFilter(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), LedgerEntryKind.Charge, ChargeStatus.Refunded, BillableProducts.ShortLinkCreate);
        var q = System.Web.HttpUtility.ParseQueryString(f.ToQuery());

        Assert.Equal(f, LedgerFilter.Parse(q["from"], q["to"], q["kind"], q["status"], q["product"]));
        Assert.Equal(LedgerFilter.None, LedgerFilter.Parse("2026-13-01", "yesterday", "Bogus", "Nope", "no.such.product"));
        // Days are China Standard Time: 2026-11-01 starts at 2026-10-31 16:00 UTC; "to" is inclusive.
        Assert.Equal(new DateTimeOffset(2026, 10, 31, 16, 0, 0, TimeSpan.Zero), f.Since);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), f.Before);
    }

    [Fact]
    public async Task ExportLedger_Filtered_HoldsExactlyTheRowsThePageListsAsUtf8WithBom()
    {
        var (user, client) = await SignedInAsync(balanceFen: 1000);
        var ledger = _factory.Services.GetRequiredService<BillingLedger>();
        Assert.True((await ledger.AdjustAsync("test-admin", user.Id, 5, "=HYPERLINK(\"http://evil\")")).Succeeded);
        await DebitAsync(ledger, user.Id, BillableProducts.ShortLinkCreate, 3);
        await DebitAsync(ledger, user.Id, BillableProducts.MiniProgramLinkDecode, 2);

        var response = await client.GetAsync("/ledger/export.csv?kind=Charge&product=shortlink.create");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Lines(bytes);
        Assert.Equal("时间,类型,金额,变动后余额,说明,请求 ID", lines[0]);
        Assert.Equal(3, lines.Length - 1);
        var page = await _factory.Services.GetRequiredService<LedgerQueries>()
            .ListEntriesAsync(user.Id, new LedgerFilter(Kind: LedgerEntryKind.Charge, Product: BillableProducts.ShortLinkCreate), 0, 100);
        Assert.Equal(page.Total, lines.Length - 1);
        Assert.Equal(page.Items.Select(e => e.RequestId!), lines.Skip(1).Select(l => l.Split(',')[5]));
        Assert.All(lines.Skip(1), l => Assert.Equal("-0.10", l.Split(',')[2]));
        Assert.All(lines.Skip(1), l => Assert.EndsWith("+08:00", l.Split(',')[0]));

        var adjustments = Lines(await client.GetByteArrayAsync("/ledger/export.csv?kind=AdminAdjust"));
        Assert.Equal(3, adjustments.Length); // header, the test funding, the formula
        Assert.Contains(adjustments, l => l.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\""));
    }

    [Fact]
    public async Task ExportCalls_DateRangeAndStatus_FilterTheRows()
    {
        var (user, client) = await SignedInAsync(balanceFen: 1000);
        var ledger = _factory.Services.GetRequiredService<BillingLedger>();
        await DebitAsync(ledger, user.Id, BillableProducts.ShortLinkCreate, 2);
        var refunded = await ledger.DebitAsync(new DebitRequest(user.Id, BillableProducts.QrCodeGenerate, "req-" + Guid.NewGuid().ToString("N")));
        Assert.True((await ledger.RefundAsync(refunded.ChargeId, "upstream failed", userId: user.Id)).Refunded);
        var today = UiFormat.Today(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd");
        var tomorrow = UiFormat.Today(DateTimeOffset.UtcNow).AddDays(1).ToString("yyyy-MM-dd");

        var all = Lines(await client.GetByteArrayAsync($"/calls/export.csv?from={today}&to={today}"));
        var refundedOnly = Lines(await client.GetByteArrayAsync("/calls/export.csv?status=Refunded"));
        var future = Lines(await client.GetByteArrayAsync($"/calls/export.csv?from={tomorrow}"));

        Assert.Equal(3, all.Length - 1);
        Assert.Single(refundedOnly.Skip(1));
        Assert.Contains("upstream failed", refundedOnly[1]);
        Assert.Single(future); // the header only
    }

    [Fact]
    public async Task Export_Anonymous_IsRefused()
    {
        var user = await _factory.CreateUserAsync(balanceFen: 100);
        var client = _factory.BrowserClient();

        var response = await client.GetAsync("/ledger/export.csv");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(user.Id, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Export_OtherUsersRows_AreNeverIncluded()
    {
        var other = await _factory.CreateUserAsync(balanceFen: 700);
        var (_, client) = await SignedInAsync(balanceFen: 100);

        var text = Encoding.UTF8.GetString(await client.GetByteArrayAsync("/ledger/export.csv"));

        Assert.Contains("1.00", text);
        Assert.DoesNotContain("7.00", text);
    }

    private async Task<(TestUser User, HttpClient Client)> SignedInAsync(long balanceFen)
    {
        var user = await _factory.CreateUserAsync(balanceFen);
        var client = _factory.BrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogInAsync(user.Email, TestUser.Password)).StatusCode);
        return (user, client);
    }

    private static async Task DebitAsync(BillingLedger ledger, string userId, string product, int times)
    {
        for (var i = 0; i < times; i++)
            Assert.True((await ledger.DebitAsync(new DebitRequest(userId, product, "req-" + Guid.NewGuid().ToString("N"), Settled: true))).Succeeded);
    }

    private static string[] Lines(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    public void Dispose() => _factory.Dispose();
}
