using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Portal.Resources;

namespace Portal.Components.Account;

/// <summary>
/// Identity's error messages (weak passwords, invalid tokens, …) in the request's UI language: each English text is a
/// key of <see cref="SharedResource"/> with its zh-CN translation. The error codes stay Identity's, so code that
/// tells errors apart by <see cref="IdentityError.Code"/> (registration hides DuplicateUserName/DuplicateEmail so a
/// taken address looks like a new one) is unaffected. Messages never name the user name or e-mail address.
/// </summary>
public sealed class LocalizedIdentityErrorDescriber(IStringLocalizer<SharedResource> localizer) : IdentityErrorDescriber
{
    private IdentityError Error(string code, string key, params object[] args) =>
        new() { Code = code, Description = localizer[key, args] };

    /// <inheritdoc />
    public override IdentityError DefaultError() => Error(nameof(DefaultError), "Something went wrong. Try again.");

    /// <inheritdoc />
    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), "The account was changed at the same time elsewhere. Try again.");

    /// <inheritdoc />
    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), "Incorrect password.");

    /// <inheritdoc />
    public override IdentityError InvalidToken() => Error(nameof(InvalidToken), "This link or code is not valid (it may have expired or been used already).");

    /// <inheritdoc />
    public override IdentityError RecoveryCodeRedemptionFailed() => Error(nameof(RecoveryCodeRedemptionFailed), "That recovery code is not valid.");

    /// <inheritdoc />
    public override IdentityError LoginAlreadyAssociated() => Error(nameof(LoginAlreadyAssociated), "This external login already belongs to an account.");

    /// <inheritdoc />
    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), "This e-mail address cannot be used as a user name.");

    /// <inheritdoc />
    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), "Enter a valid e-mail address");

    /// <inheritdoc />
    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), "An account with this e-mail address already exists.");

    /// <inheritdoc />
    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), "An account with this e-mail address already exists.");

    /// <inheritdoc />
    public override IdentityError InvalidRoleName(string? role) => Error(nameof(InvalidRoleName), "Invalid role name.");

    /// <inheritdoc />
    public override IdentityError DuplicateRoleName(string role) => Error(nameof(DuplicateRoleName), "This role already exists.");

    /// <inheritdoc />
    public override IdentityError UserAlreadyHasPassword() => Error(nameof(UserAlreadyHasPassword), "This account already has a password.");

    /// <inheritdoc />
    public override IdentityError UserLockoutNotEnabled() => Error(nameof(UserLockoutNotEnabled), "Lockout is not enabled for this account.");

    /// <inheritdoc />
    public override IdentityError UserAlreadyInRole(string role) => Error(nameof(UserAlreadyInRole), "The account already has this role.");

    /// <inheritdoc />
    public override IdentityError UserNotInRole(string role) => Error(nameof(UserNotInRole), "The account does not have this role.");

    /// <inheritdoc />
    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), "The password must be at least {0} characters long.", length);

    /// <inheritdoc />
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Error(nameof(PasswordRequiresUniqueChars), "The password must use at least {0} different characters.", uniqueChars);

    /// <inheritdoc />
    public override IdentityError PasswordRequiresNonAlphanumeric() => Error(nameof(PasswordRequiresNonAlphanumeric), "The password must contain a symbol, such as ! # or -.");

    /// <inheritdoc />
    public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit), "The password must contain a digit (0–9).");

    /// <inheritdoc />
    public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower), "The password must contain a lower-case letter (a–z).");

    /// <inheritdoc />
    public override IdentityError PasswordRequiresUpper() => Error(nameof(PasswordRequiresUpper), "The password must contain an upper-case letter (A–Z).");
}
