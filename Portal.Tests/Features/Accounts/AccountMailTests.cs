using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Infrastructure.Email;
using Portal.Tests.Security;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Accounts;

/// <summary>
/// Account mail: with no SMTP server configured nothing promises a mail (no reset link on sign-in, the reset page says
/// why); with one (a real SMTP server on a local port) registration sends a confirmation link and a forgotten password
/// is reset through the mailed link, end to end over HTTP.
/// </summary>
public sealed partial class AccountMailTests
{
    [Fact]
    public async Task NoMailServer_LoginOffersNoResetAndTheResetPageSaysWhy()
    {
        using var factory = new PortalFactory();
        var client = factory.BrowserClient();

        var login = await client.GetStringAsync("/Account/Login?culture=en&ui-culture=en");
        var forgot = await client.GetStringAsync("/Account/ForgotPassword?culture=en&ui-culture=en");
        var resend = await client.GetStringAsync("/Account/ResendEmailConfirmation?culture=en&ui-culture=en");

        Assert.DoesNotContain("href=\"Account/ForgotPassword\"", login);
        Assert.DoesNotContain("href=\"Account/ResendEmailConfirmation\"", login);
        Assert.Contains("This site does not send e-mail: ask an administrator to set a new one.", login);
        Assert.Contains("data-testid=\"no-mail\"", forgot);
        Assert.DoesNotContain("forgot-password", forgot); // no form to submit
        Assert.Contains("data-testid=\"no-mail\"", resend);
        Assert.False(factory.Services.GetRequiredService<SmtpMailer>().IsConfigured);
    }

    [Fact]
    public async Task MailServer_RegisterConfirmThenResetThePasswordThroughTheMailedLinks()
    {
        await using var smtp = new FakeSmtpServer();
        using var factory = new PortalFactory();
        foreach (var (key, value) in smtp.Settings()) factory.Settings[key] = value;
        var client = factory.BrowserClient();
        var email = $"mail-{Guid.NewGuid():N}@example.com";

        var registered = await client.PostFormAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = TestUser.Password, ["Input.ConfirmPassword"] = TestUser.Password,
        });
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);

        var confirmation = await smtp.WaitForAsync(email);
        Assert.Contains("Confirm your e-mail", confirmation.Subject);
        Assert.Equal("no-reply@portal.test", confirmation.From.Mailboxes.Single().Address);
        var confirmLink = Link(confirmation.TextBody, "/Account/ConfirmEmail");
        Assert.Equal(confirmLink, Link(confirmation.HtmlBody, "/Account/ConfirmEmail"));
        // Unconfirmed: the password alone does not sign in.
        Assert.NotEqual(HttpStatusCode.Redirect, (await factory.BrowserClient().LogInAsync(email, TestUser.Password)).StatusCode);
        Assert.False(await EmailConfirmedAsync(factory, email));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(confirmLink)).StatusCode);
        Assert.True(await EmailConfirmedAsync(factory, email));

        var asked = await client.PostFormAsync("/Account/ForgotPassword", "forgot-password", new Dictionary<string, string> { ["Input.Email"] = email });
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.Contains("Account/ForgotPasswordConfirmation", asked.Headers.Location?.ToString());
        var reset = await WaitForSecondAsync(smtp, email);
        Assert.Contains("Reset your password", reset.Subject);
        var resetLink = Link(reset.TextBody, "/Account/ResetPassword");

        var page = await client.GetStringAsync(resetLink);
        var code = WebUtility.HtmlDecode(HiddenCode().Match(page).Groups[1].Value);
        Assert.NotEmpty(code);
        const string newPassword = "New-Passw0rd-2026!";
        var changed = await client.PostFormAsync(resetLink, "reset-password", new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = newPassword, ["Input.ConfirmPassword"] = newPassword, ["Input.Code"] = code,
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Contains("ResetPasswordConfirmation", changed.Headers.Location?.ToString());

        var fresh = factory.BrowserClient();
        var signedIn = await fresh.LogInAsync(email, newPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.DoesNotContain("Account/Login", signedIn.Headers.Location?.ToString() ?? "");
        var oldPassword = await factory.BrowserClient().LogInAsync(email, TestUser.Password);
        Assert.NotEqual(HttpStatusCode.Redirect, oldPassword.StatusCode);
    }

    [Fact]
    public async Task MailServerDown_SendReportsFailureAndLogsNoSecret()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new PortalFactory();
        factory.Settings["Email:Smtp:Host"] = "127.0.0.1";
        factory.Settings["Email:Smtp:Port"] = "1"; // nothing listens there
        factory.Settings["Email:Smtp:Security"] = "None";
        factory.Settings["Email:Smtp:UserName"] = "mailer";
        factory.Settings["Email:Smtp:Password"] = "smtp-secret-9f2c";
        factory.Settings["Email:From"] = "no-reply@portal.test";
        factory.TestServices.Add(s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));

        var sent = await factory.Services.GetRequiredService<SmtpMailer>().SendAsync("someone@example.com", "Subject", "a one-time link", "<p>a one-time link</p>");

        Assert.False(sent);
        Assert.Contains("could not be sent", logs.AllText);
        Assert.DoesNotContain("smtp-secret-9f2c", logs.AllText);
        Assert.DoesNotContain("one-time link", logs.AllText);
    }

    [Fact]
    public void HostWithoutSender_FailsAtStartWithAClearMessage()
    {
        using var factory = new PortalFactory();
        factory.Settings["Email:Smtp:Host"] = "smtp.example.com";

        var error = Assert.ThrowsAny<Exception>(() => factory.Services.GetRequiredService<SmtpMailer>());
        Assert.Contains("Email:Smtp:Host and Email:From go together", error.ToString());
    }

    private static string Link(string? body, string path)
    {
        var match = Regex.Match(body ?? "", "https?://[^\\s\"<]+" + Regex.Escape(path) + "[^\\s\"<]*");
        Assert.True(match.Success, $"no {path} link in: {body}");
        return new Uri(WebUtility.HtmlDecode(match.Value)).PathAndQuery;
    }

    private static async Task<MimeKit.MimeMessage> WaitForSecondAsync(FakeSmtpServer smtp, string to)
    {
        for (var i = 0; i < 200; i++)
        {
            var mine = smtp.Messages.Where(m => m.To.Mailboxes.Any(b => b.Address == to)).ToList();
            if (mine.Count >= 2) return mine[1];
            await Task.Delay(50);
        }
        throw new TimeoutException("no second mail");
    }

    private static async Task<bool> EmailConfirmedAsync(PortalFactory factory, string email)
    {
        await using var scope = factory.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(email))!.EmailConfirmed;
    }

    [GeneratedRegex("name=\"Input.Code\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenCode();
}
