using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Portal.Features.Accounts;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Features.WeChat;

namespace Portal.Features.Admin;

/// <summary>
/// <c>Portal admin …</c>: operator commands on the same services as the UI, against the configured database.
/// Results go to standard output, errors to standard error with exit code 1 (2 for usage errors).
/// </summary>
public static class AdminCli
{
    /// <summary>True when the process was started as <c>Portal admin …</c>.</summary>
    public static bool IsAdminCommand(string[] args) => args.Length > 0 && args[0] == "admin";

    /// <summary>Parses and runs <paramref name="args"/> (without the leading <c>admin</c>).</summary>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var operatorId = "cli:" + Environment.UserName;
        var root = new RootCommand("Portal administration");

        var email = new Option<string>("--email") { Description = "User e-mail", Required = true };
        var password = new Option<string>("--password") { Description = "Password", Required = true };
        var role = new Option<string?>("--role") { Description = "Extra role (Admin)" };
        var usersCreate = new Command("create", "Create a user") { email, password, role };
        usersCreate.SetAction((r, ct) => Run(services, stderr, async sp =>
        {
            var extra = r.GetValue(role);
            if (extra is not null && !Roles.All.Contains(extra)) return Fail(stderr, $"unknown role '{extra}' (use {string.Join(" or ", Roles.All)})");
            var (user, errors) = await sp.GetRequiredService<UserProvisioning>().CreateAsync(r.GetValue(email)!, r.GetValue(password)!, extra);
            if (user is null) return Fail(stderr, string.Join("; ", errors.Select(e => e.Description)));
            await Audit(sp, AdminActions.UserCreate, user.Email!, after: extra);
            stdout.WriteLine($"created {user.Email} ({user.Id}){(extra is null ? "" : $" role {extra}")}");
            return 0;
        }));

        Command Suspension(string verb, bool suspend, string description)
        {
            var command = new Command(verb, description) { email };
            command.SetAction((r, ct) => Run(services, stderr, async sp =>
            {
                var user = await FindUserAsync(sp, r.GetValue(email)!);
                if (user is null) return Fail(stderr, $"no user {r.GetValue(email)}");
                if (!await sp.GetRequiredService<UserSuspension>().SetSuspendedAsync(user.Id, suspend)) return Fail(stderr, "the change failed");
                await Audit(sp, suspend ? AdminActions.UserSuspend : AdminActions.UserUnsuspend, user.Email!);
                stdout.WriteLine($"{(suspend ? "suspended" : "reinstated")} {user.Email}");
                return 0;
            }));
            return command;
        }
        var usersSetPassword = new Command("set-password", "Set a new password for a user (signs out their other sessions)") { email, password };
        usersSetPassword.SetAction((r, ct) => Run(services, stderr, async sp =>
        {
            var users = sp.GetRequiredService<UserManager<ApplicationUser>>();
            var user = await FindUserAsync(sp, r.GetValue(email)!);
            if (user is null) return Fail(stderr, $"no user {r.GetValue(email)}");
            // Through a reset token: the password rules apply and the security stamp changes, so old cookies stop working.
            var result = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), r.GetValue(password)!);
            if (!result.Succeeded) return Fail(stderr, string.Join("; ", result.Errors.Select(e => e.Description)));
            await users.ResetAccessFailedCountAsync(user);
            await users.SetLockoutEndDateAsync(user, null);
            await Audit(sp, AdminActions.UserSetPassword, user.Email!);
            stdout.WriteLine($"password of {user.Email} changed");
            return 0;
        }));
        var usersSuspend = Suspension("suspend", true, "Suspend a user: no sign-in, every API token refused");
        var usersUnsuspend = Suspension("unsuspend", false, "Lift a suspension");

        var amount = new Option<string>("--amount") { Description = "Amount in yuan, e.g. 1.50 (negative debits)", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the ledger)", Required = true };
        var adjust = new Command("adjust", "Credit or debit a user's balance") { email, amount, reason };
        adjust.SetAction((r, ct) => Run(services, stderr, async sp =>
        {
            if (!Money.TryParse(r.GetValue(amount), out var fen) || fen == 0 || Math.Abs(fen) > Money.MaxAmountFen)
                return Fail(stderr, $"--amount must be a non-zero amount with at most two decimals, between -{Money.Format(Money.MaxAmountFen)} and {Money.Format(Money.MaxAmountFen)}");
            if (string.IsNullOrWhiteSpace(r.GetValue(reason))) return Fail(stderr, "reason is required");
            var user = await FindUserAsync(sp, r.GetValue(email)!);
            if (user is null) return Fail(stderr, $"no user {r.GetValue(email)}");
            var outcome = await sp.GetRequiredService<BillingLedger>().AdjustAsync(operatorId, user.Id, fen, r.GetValue(reason)!, ct);
            if (!outcome.Succeeded)
                return Fail(stderr, outcome.Error == BalanceChangeError.InsufficientFunds
                    ? $"balance {Money.Format(outcome.BalanceFen)} is too low for {Money.Format(fen)}" : outcome.Error.ToString());
            await Audit(sp, AdminActions.BalanceAdjust, user.Email!, Money.Format(outcome.BalanceFen - fen), Money.Format(outcome.BalanceFen), r.GetValue(reason)!.Trim());
            stdout.WriteLine($"balance of {user.Email}: {Money.Format(outcome.BalanceFen)}");
            return 0;
        }));

        var name = new Option<string>("--name") { Description = "Token name", Required = true };
        var dailyCap = new Option<string?>("--daily-cap") { Description = "Optional spend cap per UTC day in yuan, e.g. 5.00" };
        var allowIps = new Option<string?>("--allow-ips") { Description = "Optional IP allow-list, e.g. \"203.0.113.7,10.0.0.0/8\"" };
        var issue = new Command("issue", "Issue an API token (printed alone on the last line)") { email, name, dailyCap, allowIps };
        issue.SetAction((r, ct) => Run(services, stderr, async sp =>
        {
            var user = await FindUserAsync(sp, r.GetValue(email)!);
            if (user is null) return Fail(stderr, $"no user {r.GetValue(email)}");
            long? capFen = null;
            if (r.GetValue(dailyCap) is { } capText)
            {
                if (!Money.TryParse(capText, out var parsedCap) || parsedCap < 0) return Fail(stderr, "daily cap must be a non-negative amount with at most two decimals");
                capFen = parsedCap;
            }
            var issued = await sp.GetRequiredService<ApiTokenService>().IssueAsync(user.Id, r.GetValue(name)!, null, ct, capFen, r.GetValue(allowIps));
            await Audit(sp, AdminActions.TokenIssue, user.Email!, after: issued.Token.Display, detail: issued.Token.Name);
            stdout.WriteLine($"issued token '{issued.Token.Name}' for {user.Email}; it is shown once:");
            stdout.WriteLine(issued.Secret);
            return 0;
        }));

        var which = new Option<string>("--token") { Description = "The token's id, or its start as lists show it (e.g. wxp_7Hq2xY)", Required = true };
        var revoke = new Command("revoke", "Revoke an API token of any user") { which };
        revoke.SetAction((r, ct) => Run(services, stderr, async sp =>
        {
            var tokens = sp.GetRequiredService<ApiTokenService>();
            var found = await tokens.FindAsync(r.GetValue(which)!, ct);
            if (found.Count == 0) return Fail(stderr, $"no live token matches '{r.GetValue(which)}'");
            if (found.Count > 1) return Fail(stderr, $"{found.Count} live tokens start with '{r.GetValue(which)}': give the id ({string.Join(", ", found.Select(t => t.Id))})");
            if (!await tokens.RevokeAnyAsync(found[0].Id, ct)) return Fail(stderr, "the token could not be revoked");
            await Audit(sp, AdminActions.TokenRevoke, found[0].Display, detail: found[0].Name);
            stdout.WriteLine($"revoked {found[0].Display} ({found[0].Id}, '{found[0].Name}')");
            return 0;
        }));

        var count = new Option<int>("--count")
        {
            Description = $"How many codes (1–{RedemptionCodeService.MaxBatchCount})", Required = true,
            CustomParser = a => int.TryParse(a.Tokens.Count == 1 ? a.Tokens[0].Value : null, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                && n is >= 1 and <= RedemptionCodeService.MaxBatchCount
                    ? n
                    : Invalid<int>(a, $"--count must be a whole number from 1 to {RedemptionCodeService.MaxBatchCount}"),
        };
        var expires = new Option<string?>("--expires") { Description = "Expiry date (UTC), e.g. 2027-01-01" };
        var codesCreate = new Command("create", "Create redemption codes (printed one per line)") { amount, count, expires };
        codesCreate.SetAction((r, ct) => Run(services, stderr, async sp =>
        {
            if (!Money.TryParse(r.GetValue(amount), out var fen) || fen <= 0 || fen > Money.MaxAmountFen)
                return Fail(stderr, $"--amount must be positive with at most two decimals, at most {Money.Format(Money.MaxAmountFen)}");
            DateTimeOffset? expiry = null;
            if (r.GetValue(expires) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return Fail(stderr, $"bad date '{text}'");
                expiry = parsed.ToUniversalTime();
            }
            try
            {
                var (batch, codes) = await sp.GetRequiredService<RedemptionCodeService>().CreateBatchAsync(operatorId, fen, r.GetValue(count), expiry, ct);
                await Audit(sp, AdminActions.CodesCreate, batch.Id.ToString(), after: $"{codes.Count} × {Money.Format(fen)}", detail: BatchDetail(codes.Count, fen, expiry));
                foreach (var c in codes) stdout.WriteLine(c.Code);
                return 0;
            }
            catch (ArgumentOutOfRangeException ex)
            {
                return Fail(stderr, ex.Message);
            }
        }));

        var olderThan = new Option<int?>("--older-than") { Description = "Refund Pending charges older than this many seconds (default: Billing:PendingChargeTimeout)" };
        var reconcile = new Command("reconcile", "Refund stale Pending charges now (what billing:reconcile-pending-charges does)") { olderThan };
        reconcile.SetAction((r, ct) => Run(services, stderr, async sp =>
        {
            var age = r.GetValue(olderThan) is { } seconds ? TimeSpan.FromSeconds(Math.Max(0, seconds))
                : sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<BillingOptions>>().Value.PendingChargeTimeout;
            var ledger = sp.GetRequiredService<BillingLedger>();
            int total = 0, batch;
            while ((batch = await ledger.RefundStalePendingChargesAsync(age, 500, ct)) > 0) total += batch;
            stdout.WriteLine($"refunded {total} pending charge(s)");
            return 0;
        }));

        var allowPending = new Option<bool>("--allow-pending") { Description = "Do not count Pending charges as a violation (a live system has some)" };
        var verify = new Command("verify", "Check the money invariants from the database; exit code 1 when one is violated") { allowPending };
        verify.SetAction((r, ct) => Run(services, stderr, async sp =>
        {
            var report = await sp.GetRequiredService<BillingAudit>().RunAsync(ct);
            stdout.WriteLine(report.ToString());
            return report.Holds(pendingIsViolation: !r.GetValue(allowPending)) ? 0 : Fail(stderr, "money invariants violated");
        }));

        var appId = new Option<string>("--appid") { Description = "Mini-program AppID (wx + 16 hex)", Required = true };
        var appSecret = new Option<string>("--secret") { Description = "AppSecret (32 hex); stored encrypted", Required = true };
        var appName = new Option<string?>("--name") { Description = "Display name (default: the AppID)" };
        var appsRegister = new Command("register", "Register a mini-program for a user") { email, appId, appSecret, appName };
        appsRegister.SetAction((r, ct) => Run(services, stderr, async sp =>
        {
            var user = await FindUserAsync(sp, r.GetValue(email)!);
            if (user is null) return Fail(stderr, $"no user {r.GetValue(email)}");
            var registered = await sp.GetRequiredService<MiniProgramAppService>().RegisterAsync(user.Id, r.GetValue(appId), r.GetValue(appSecret), r.GetValue(appName), ct);
            if (!registered.Succeeded) return Fail(stderr, registered.Error!);
            var a = registered.App!;
            stdout.WriteLine($"registered {a.AppId} '{a.Name}' for {user.Email} (secret {a.MaskedSecret}){(a.IsDefault ? ", default" : "")}");
            return 0;
        }));

        var seedAccounts = new Option<int>("--accounts") { Description = "How many accounts (1–100000)", DefaultValueFactory = _ => 1000 };
        var seedBalance = new Option<string>("--balance") { Description = "Balance of each account in yuan", DefaultValueFactory = _ => "100000.00" };
        var seedOut = new Option<string>("--out") { Description = "File for the tokens and short-link codes (token TAB code per line)", Required = true };
        var seed = new Command("seed", "Fill the database with accounts for the benchmark in bench/ (never on a production database)") { seedAccounts, seedBalance, seedOut };
        seed.SetAction((r, ct) => Run(services, stderr, async sp =>
        {
            var n = r.GetValue(seedAccounts);
            if (n is < 1 or > 100_000) return Fail(stderr, "--accounts must be between 1 and 100000");
            if (!Money.TryParse(r.GetValue(seedBalance), out var fen) || fen <= 0 || fen > Money.MaxAmountFen)
                return Fail(stderr, $"--balance must be a positive amount of at most {Money.Format(Money.MaxAmountFen)}");
            var rows = await sp.GetRequiredService<LoadTestSeed>().RunAsync(n, fen, "load.test", ct);
            await File.WriteAllLinesAsync(r.GetValue(seedOut)!, rows.Select(x => x.Token + "\t" + x.ShortCode), ct);
            stdout.WriteLine($"seeded {rows.Count} account(s) into {r.GetValue(seedOut)}");
            return 0;
        }));

        root.Subcommands.Add(new Command("users", "Users") { usersCreate, usersSetPassword, usersSuspend, usersUnsuspend });
        root.Subcommands.Add(new Command("billing", "Billing") { reconcile, verify });
        root.Subcommands.Add(new Command("balance", "Balances") { adjust });
        root.Subcommands.Add(new Command("tokens", "API tokens") { issue, revoke });
        root.Subcommands.Add(new Command("codes", "Redemption codes") { codesCreate });
        root.Subcommands.Add(new Command("apps", "Mini-programs") { appsRegister });
        root.Subcommands.Add(new Command("load-test", "Benchmark fixtures") { seed });

        var parsed = root.Parse(args);
        // A mistyped command gets its error on standard error, not the whole help text on standard output.
        if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction parseError) parseError.ShowHelp = false;
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>Runs one command body in its own scope, turning an exception into a message on standard error.</summary>
    public static async Task<int> Run(IServiceProvider services, TextWriter stderr, Func<IServiceProvider, Task<int>> body)
    {
        await using var scope = services.CreateAsyncScope();
        try
        {
            return await body(scope.ServiceProvider);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return Fail(stderr, ex.Message);
        }
    }

    /// <summary>Writes <c>error: …</c> to standard error and returns exit code 1.</summary>
    public static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine("error: " + message);
        return 1;
    }

    private static T Invalid<T>(System.CommandLine.Parsing.ArgumentResult argument, string message)
    {
        argument.AddError(message);
        return default!;
    }

    /// <summary>Records a successful command in the admin audit log, as the operating-system user who ran it.</summary>
    private static Task Audit(IServiceProvider sp, string action, string target, string? before = null, string? after = null, string? detail = null) =>
        sp.GetRequiredService<AdminAuditLog>().RecordAsync("cli:" + Environment.UserName, action, target, before, after, detail);

    /// <summary>The audit detail of a code batch: total value and expiry.</summary>
    public static string BatchDetail(int count, long amountFen, DateTimeOffset? expiresAt) =>
        $"total {Money.Format(count * amountFen)}" + (expiresAt is { } e ? $", expires {e:yyyy-MM-dd HH:mm} UTC" : "");

    /// <summary>Finds a user by e-mail.</summary>
    public static Task<ApplicationUser?> FindUserAsync(IServiceProvider sp, string email) =>
        sp.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email.Trim());
}
