using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Admin;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;
using static Portal.Tests.TestInfrastructure.GatewayAssert;

namespace Portal.Tests.Features.Admin;

/// <summary><c>Portal admin …</c> on the app's own services.</summary>
[Trait("Category", TestCategories.Money)]
public sealed class AdminCliTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private sealed record CliResult(int ExitCode, string Stdout, string Stderr)
    {
        public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await AdminCli.RunAsync(factory.Services, args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    private static string NewEmail() => $"cli-{Guid.NewGuid():N}@example.com";

    private async Task<string> UserIdAsync(string email)
    {
        await using var scope = factory.Scope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
        Assert.NotNull(user);
        return user.Id;
    }

    [Fact]
    public async Task UsersCreate_NewEmail_CreatesUserWithRoleAndEmptyAccount()
    {
        var email = NewEmail();

        var result = await RunAsync("users", "create", "--email", email, "--password", TestUser.Password, "--role", "Admin");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains(email, result.Stdout);
        Assert.Equal("", result.Stderr);
        await using var scope = factory.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email);
        Assert.NotNull(user);
        Assert.True(await users.IsInRoleAsync(user, Roles.Admin));
        Assert.True(await users.IsInRoleAsync(user, Roles.User));
        Assert.True(await users.CheckPasswordAsync(user, TestUser.Password));
        Assert.Equal((0L, 0L, 0), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task UsersSetPassword_ChangesThePasswordAndStampLiftsALockout_WeakOrUnknownFails()
    {
        var user = await factory.CreateUserAsync();
        string stampBefore;
        await using (var scope = factory.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var found = (await users.FindByIdAsync(user.Id))!;
            await users.SetLockoutEndDateAsync(found, DateTimeOffset.UtcNow.AddMinutes(5));
            stampBefore = found.SecurityStamp!;
        }

        var changed = await RunAsync("users", "set-password", "--email", user.Email, "--password", "Fresh-Passw0rd-1!");
        var weak = await RunAsync("users", "set-password", "--email", user.Email, "--password", "short");
        var unknown = await RunAsync("users", "set-password", "--email", NewEmail(), "--password", "Fresh-Passw0rd-1!");

        Assert.True(changed.ExitCode == 0, changed.Stderr);
        Assert.NotEqual(0, weak.ExitCode);
        Assert.NotEqual("", weak.Stderr);
        Assert.NotEqual(0, unknown.ExitCode);
        await using (var scope = factory.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var found = (await users.FindByIdAsync(user.Id))!;
            Assert.True(await users.CheckPasswordAsync(found, "Fresh-Passw0rd-1!"));
            Assert.False(await users.CheckPasswordAsync(found, TestUser.Password));
            Assert.NotEqual(stampBefore, found.SecurityStamp);
            Assert.False(await users.IsLockedOutAsync(found));
        }
    }

    [Fact]
    public async Task UsersSuspendAndUnsuspend_TogglesTheSuspension_UnknownUserFails()
    {
        var user = await factory.CreateUserAsync();

        var suspended = await RunAsync("users", "suspend", "--email", user.Email);
        Assert.True(suspended.ExitCode == 0, suspended.Stderr);
        Assert.True(await IsSuspendedAsync(user.Id));
        var reinstated = await RunAsync("users", "unsuspend", "--email", user.Email);
        Assert.True(reinstated.ExitCode == 0, reinstated.Stderr);
        Assert.False(await IsSuspendedAsync(user.Id));

        var unknown = await RunAsync("users", "suspend", "--email", NewEmail());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no user", unknown.Stderr);

        // Both changes are in the audit log, newest first, as the operating-system user; the refused one is not.
        var (audit, _) = await factory.Services.GetRequiredService<AdminAuditLog>().ListAsync(null, user.Email, 0, 10);
        Assert.Equal([AdminActions.UserUnsuspend, AdminActions.UserSuspend], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal("cli:" + Environment.UserName, a.Actor));
    }

    [Fact]
    public async Task TokensRevoke_ByPrefixOrId_TokenRefusedAtOnce_UnknownFails()
    {
        var user = await factory.CreateUserAsync(100);
        var secret = await factory.IssueTokenAsync(user, "cli-revoke");
        var client = factory.ApiClient(secret);
        Assert.Equal(200, (await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/before" })).Status);

        var revoked = await RunAsync("tokens", "revoke", "--token", secret[..Portal.Features.ApiTokens.ApiTokenFormat.DisplayPrefixLength]);

        Assert.True(revoked.ExitCode == 0, revoked.Stderr);
        Assert.Equal(401, (await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/after" })).Status);
        var again = await RunAsync("tokens", "revoke", "--token", secret[..Portal.Features.ApiTokens.ApiTokenFormat.DisplayPrefixLength]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no live token", again.Stderr);
    }

    [Theory]
    [InlineData("--count", "abc", "1 to 1000")]
    [InlineData("--count", "0", "1 to 1000")]
    [InlineData("--count", "1001", "1 to 1000")]
    public async Task CodesCreate_InvalidCount_NonZeroExitNamingTheLimit(string option, string value, string limit)
    {
        var result = await RunAsync("codes", "create", "--amount", "1.00", option, value);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(limit, result.Stderr);
    }

    [Theory]
    [InlineData("codes", "create", "--amount", "99999999.00", "--count", "1")]
    [InlineData("balance", "adjust", "--email", "nobody@example.com", "--amount", "99999999.00", "--reason", "x")]
    public async Task AmountOutOfRange_NonZeroExitNamingTheLimit(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("10000000.00", result.Stderr);
    }

    private async Task<bool> IsSuspendedAsync(string userId)
    {
        await using var scope = factory.Scope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByIdAsync(userId))!.SuspendedAt is not null;
    }

    [Fact]
    public async Task UsersCreate_DuplicateEmailWeakPasswordOrUnknownRole_NonZeroAndStderr()
    {
        var email = NewEmail();
        Assert.Equal(0, (await RunAsync("users", "create", "--email", email, "--password", TestUser.Password)).ExitCode);

        var duplicate = await RunAsync("users", "create", "--email", email, "--password", TestUser.Password);
        var weak = await RunAsync("users", "create", "--email", NewEmail(), "--password", "x");
        var role = await RunAsync("users", "create", "--email", NewEmail(), "--password", TestUser.Password, "--role", "Root");

        foreach (var r in new[] { duplicate, weak, role })
        {
            Assert.NotEqual(0, r.ExitCode);
            Assert.StartsWith("error: ", r.Stderr);
        }
    }

    [Fact]
    public async Task BalanceAdjust_CreditThenDebit_BalanceAndLedgerRecordOperator()
    {
        var user = await factory.CreateUserAsync();

        var credit = await RunAsync("balance", "adjust", "--email", user.Email, "--amount", "1.50", "--reason", "welcome credit");
        var debit = await RunAsync("balance", "adjust", "--email", user.Email, "--amount", "-0.25", "--reason", "correction");

        Assert.True(credit.ExitCode == 0, credit.Stderr);
        Assert.Contains("1.50", credit.Stdout);
        Assert.True(debit.ExitCode == 0, debit.Stderr);
        Assert.Contains("1.25", debit.Stdout);
        Assert.Equal((125L, 125L, 2), await factory.MoneyOfAsync(user.Id));
        var entries = await factory.LedgerOfAsync(user.Id);
        Assert.All(entries, e =>
        {
            Assert.Equal(LedgerEntryKind.AdminAdjust, e.Kind);
            Assert.StartsWith("cli:", e.AdminUserId);
        });
        Assert.Contains(entries, e => e is { AmountFen: 150, Description: "welcome credit" });
        Assert.Contains(entries, e => e is { AmountFen: -25, Description: "correction" });
    }

    [Fact]
    public async Task BalanceAdjust_DebitBelowZero_NonZeroStderrAndBalanceUnchanged()
    {
        var user = await factory.CreateUserAsync(100);

        var result = await RunAsync("balance", "adjust", "--email", user.Email, "--amount", "-1.01", "--reason", "too much");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("too low", result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.Equal((100L, 100L, 1), await factory.MoneyOfAsync(user.Id));
        await factory.AssertLedgerInvariantsAsync();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.234")]
    [InlineData("abc")]
    public async Task BalanceAdjust_BadAmount_NonZeroAndNothingWritten(string amount)
    {
        var user = await factory.CreateUserAsync(100);

        var result = await RunAsync("balance", "adjust", "--email", user.Email, "--amount", amount, "--reason", "r");

        Assert.NotEqual(0, result.ExitCode);
        Assert.NotEqual("", result.Stderr);
        Assert.Equal((100L, 100L, 1), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task BalanceAdjust_UnknownUserOrBlankReason_NonZero()
    {
        var user = await factory.CreateUserAsync(100);

        var unknown = await RunAsync("balance", "adjust", "--email", NewEmail(), "--amount", "1", "--reason", "r");
        var blank = await RunAsync("balance", "adjust", "--email", user.Email, "--amount", "1", "--reason", "  ");

        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("no user", unknown.Stderr);
        Assert.NotEqual(0, blank.ExitCode);
        Assert.Equal((100L, 100L, 1), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task TokensIssue_ExistingUser_TokenAloneOnLastLineAndItAuthenticates()
    {
        var user = await factory.CreateUserAsync(100);

        var result = await RunAsync("tokens", "issue", "--email", user.Email, "--name", "ci");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var token = result.Lines[^1];
        Assert.True(Portal.Features.ApiTokens.ApiTokenFormat.IsWellFormed(token), $"last line is not a token: '{token}'");
        Assert.Equal(token, result.Stdout.TrimEnd('\r', '\n').Split('\n')[^1]);
        var response = await factory.ApiClient(token).PostAsync("/generate-shortlink", new { longUrl = "https://example.com/cli" });
        IsSuccess(response, "短链生成成功，费用已扣除", "0.90", "short_url");
        Assert.Equal((90L, 90L, 2), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task TokensIssue_UnknownUser_NonZeroAndNoTokenPrinted()
    {
        var result = await RunAsync("tokens", "issue", "--email", NewEmail(), "--name", "ci");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("no user", result.Stderr);
    }

    [Fact]
    public async Task CodesCreate_Count_PrintsThatManyCodesEachRedeemableOnce()
    {
        var result = await RunAsync("codes", "create", "--amount", "10.00", "--count", "5", "--expires", "2099-01-01");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var codes = result.Lines;
        Assert.Equal(5, codes.Length);
        Assert.Equal(5, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^PTL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$", c));
        var user = await factory.CreateUserAsync();
        var ledger = factory.Services.GetRequiredService<BillingLedger>();
        foreach (var code in codes)
        {
            Assert.True((await ledger.RedeemAsync(user.Id, code)).Succeeded);
            Assert.Equal(BalanceChangeError.CodeAlreadyRedeemed, (await ledger.RedeemAsync(user.Id, code)).Error);
        }
        Assert.Equal((5000L, 5000L, 5), await factory.MoneyOfAsync(user.Id));
    }

    [Theory]
    [InlineData("0", "5", null)]
    [InlineData("-1", "5", null)]
    [InlineData("10.00", "0", null)]
    [InlineData("10.00", "1001", null)]
    [InlineData("10.00", "1", "2001-01-01")]
    [InlineData("10.00", "1", "not-a-date")]
    public async Task CodesCreate_BadArguments_NonZeroAndNoCodes(string amount, string count, string? expires)
    {
        string[] args = expires is null
            ? ["codes", "create", "--amount", amount, "--count", count]
            : ["codes", "create", "--amount", amount, "--count", count, "--expires", expires];

        var result = await RunAsync(args);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.NotEqual("", result.Stderr);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("users", "delete", "--email", "a@example.com")]
    [InlineData("users", "create", "--email", "missing-password@example.com")]
    public async Task UnknownCommandOrMissingOption_NonZeroExit(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.NotEqual(0, result.ExitCode);
        Assert.NotEqual("", result.Stderr);
    }

    [Fact]
    public void IsAdminCommand_OnlyLeadingAdmin() =>
        Assert.Equal([true, false, false], new[] { AdminCli.IsAdminCommand(["admin", "users"]), AdminCli.IsAdminCommand(["users", "admin"]), AdminCli.IsAdminCommand([]) });
}
