using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Portal.Infrastructure.Email;

/// <summary>
/// Sends one message through the configured SMTP server with MailKit (a new connection per message: Portal's mail is
/// a few account messages, not a stream). Failures are logged (never the password or the message body, which carries
/// one-time links) and reported as false, so a page that sent a mail answers the same whether it arrived or not.
/// </summary>
public sealed class SmtpMailer(IOptions<EmailOptions> options, ILogger<SmtpMailer> logger)
{
    /// <summary>True when mail can be sent at all (<see cref="EmailOptions.IsConfigured"/>).</summary>
    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>Sends a message with a plain-text and an HTML part.</summary>
    /// <param name="to">Recipient address.</param>
    /// <param name="subject">Subject line.</param>
    /// <param name="text">Plain-text body.</param>
    /// <param name="html">HTML body (already encoded).</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>True when the server accepted the message; false when mail is off or sending failed (logged).</returns>
    public async Task<bool> SendAsync(string to, string subject, string text, string html, CancellationToken ct = default)
    {
        var o = options.Value;
        if (!o.IsConfigured) return false;

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(o.FromName, o.From!));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();

        using var client = new SmtpClient { Timeout = (int)o.Smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(o.Smtp.Host!, o.Smtp.Port, Socket(o.Smtp), ct);
            if (!string.IsNullOrEmpty(o.Smtp.UserName)) await client.AuthenticateAsync(o.Smtp.UserName, o.Smtp.Password ?? "", ct);
            await client.SendAsync(message, ct);
            await client.DisconnectAsync(quit: true, ct);
            logger.LogInformation("Mail \"{Subject}\" accepted by {Host}", subject, o.Smtp.Host);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError("Mail \"{Subject}\" could not be sent through {Host}:{Port}: {Error} ({Type})",
                subject, o.Smtp.Host, o.Smtp.Port, ex.Message, ex.GetType().Name);
            return false;
        }
    }

    private static SecureSocketOptions Socket(SmtpOptions smtp) => smtp.Security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.Auto,
    };
}
