using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Email;

/// <summary>
/// The <c>Email</c> configuration section. Mail is sent only when <see cref="IsConfigured"/> (an SMTP host and a
/// sender address); without it Portal sends nothing and its pages never promise a mail (no password reset by e-mail,
/// no confirmation step at registration).
/// </summary>
public sealed class EmailOptions : IValidatableObject
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Email";

    /// <summary>The SMTP relay that delivers Portal's mail.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Sender address, e.g. <c>no-reply@portal.example</c> (<c>Email:From</c>).</summary>
    public string? From { get; set; }

    /// <summary>Display name of the sender (<c>Email:FromName</c>, default <c>Portal</c>).</summary>
    public string FromName { get; set; } = "Portal";

    /// <summary>True when both <see cref="SmtpOptions.Host"/> and <see cref="From"/> are set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Smtp.Host) && !string.IsNullOrWhiteSpace(From);

    /// <summary>The host and the sender go together, and the port is a TCP port (checked at start-up).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Smtp.Host) != string.IsNullOrWhiteSpace(From))
            yield return new ValidationResult("Email:Smtp:Host and Email:From go together: set both to send mail, or neither", [nameof(From)]);
        if (Smtp.Port is not (> 0 and < 65536))
            yield return new ValidationResult("Email:Smtp:Port must be 1–65535", [nameof(Smtp)]);
    }
}

/// <summary>SMTP connection settings (<c>Email:Smtp:*</c>).</summary>
public sealed class SmtpOptions
{
    /// <summary>Host name of the SMTP server; empty turns mail off.</summary>
    public string? Host { get; set; }

    /// <summary>Port (default 587, submission with STARTTLS; 465 for TLS on connect; 25 for a local relay).</summary>
    public int Port { get; set; } = 587;

    /// <summary>How the connection is secured (default <see cref="SmtpSecurity.Auto"/>).</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>User name for SMTP AUTH; empty sends without authenticating (a trusted relay).</summary>
    public string? UserName { get; set; }

    /// <summary>Password for SMTP AUTH. A secret: keep it in user secrets or the environment, never in a file in git.</summary>
    public string? Password { get; set; }

    /// <summary>Connect and send timeout (default 30 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Transport security for <see cref="SmtpOptions"/>.</summary>
public enum SmtpSecurity
{
    /// <summary>TLS on connect for port 465, STARTTLS when the server offers it otherwise.</summary>
    Auto,

    /// <summary>STARTTLS required.</summary>
    StartTls,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    SslOnConnect,

    /// <summary>Plain text: only for a relay on the same host or a test server.</summary>
    None,
}
