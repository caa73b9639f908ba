using System.Net;
using Microsoft.AspNetCore.Identity;
using Portal.Infrastructure.Email;

namespace Portal.Features.Accounts;

/// <summary>
/// Identity's account mail (confirmation links, password-reset links and codes) through <see cref="SmtpMailer"/>, in
/// Chinese with an English copy below (the mail is sent before the reader's language is known for sure). The links
/// arrive HTML-encoded from the Identity pages; the text part carries them decoded.
/// </summary>
public sealed class IdentityEmailSender(SmtpMailer mailer) : IEmailSender<ApplicationUser>
{
    /// <inheritdoc />
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        SendLinkAsync(email, "确认你的 Portal 邮箱 / Confirm your e-mail",
            "请打开下面的链接确认你的邮箱，完成 Portal 账户注册：", "Open the link below to confirm your e-mail and finish creating your Portal account:",
            confirmationLink);

    /// <inheritdoc />
    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        SendLinkAsync(email, "重置 Portal 密码 / Reset your password",
            "有人（希望是你）请求重置 Portal 账户的密码。请打开下面的链接设置新密码；如果不是你本人操作，请忽略此邮件，密码不会改变。",
            "Someone (hopefully you) asked to reset the password of your Portal account. Open the link below to choose a new one; if it was not you, ignore this mail and nothing changes.",
            resetLink);

    /// <inheritdoc />
    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode)
    {
        var code = WebUtility.HtmlEncode(resetCode);
        return mailer.SendAsync(email, "Portal 密码重置验证码 / Password reset code",
            $"你的 Portal 密码重置验证码：{resetCode}\n\nYour Portal password reset code: {resetCode}\n",
            $"<p>你的 Portal 密码重置验证码：<b>{code}</b></p><p>Your Portal password reset code: <b>{code}</b></p>");
    }

    private Task SendLinkAsync(string email, string subject, string zh, string en, string encodedLink)
    {
        var link = WebUtility.HtmlDecode(encodedLink);
        var href = WebUtility.HtmlEncode(link);
        return mailer.SendAsync(email, subject,
            $"{zh}\n{link}\n\n{en}\n{link}\n",
            $"<p>{WebUtility.HtmlEncode(zh)}</p><p><a href=\"{href}\">{href}</a></p><hr><p>{WebUtility.HtmlEncode(en)}</p><p><a href=\"{href}\">{href}</a></p>");
    }
}
