using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Accounts;

/// <summary>
/// Identity's sign-in manager with three more rules: a suspended user (<see cref="ApplicationUser.SuspendedAt"/>) may
/// not sign in by any method (Identity reports it as <see cref="SignInResult.NotAllowed"/> before the password is
/// checked); an unknown user name costs what a password check costs; and failed passwords are counted atomically,
/// before they are evaluated, so a parallel burst evaluates exactly <c>Lockout.MaxFailedAccessAttempts</c> passwords
/// before the lockout (Identity's own counter is a read-modify-write of the user row, which parallel requests race).
/// </summary>
public sealed class PortalSignInManager(
    UserManager<ApplicationUser> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<ApplicationUser>> logger, Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private static string? s_dummyHash;

    /// <inheritdoc />
    public override async Task<bool> CanSignInAsync(ApplicationUser user) =>
        user.SuspendedAt is null && await base.CanSignInAsync(user);

    /// <summary>
    /// As Identity's, except that an unknown user name costs what checking a password costs: otherwise a wrong guess
    /// for an address without an account answers measurably faster, which tells who has one.
    /// </summary>
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is not null) return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        var nobody = new ApplicationUser();
        s_dummyHash ??= UserManager.PasswordHasher.HashPassword(nobody, Guid.NewGuid().ToString());
        UserManager.PasswordHasher.VerifyHashedPassword(nobody, s_dummyHash, password);
        return SignInResult.Failed;
    }

    /// <inheritdoc />
    public override async Task<SignInResult> CheckPasswordSignInAsync(ApplicationUser user, string password, bool lockoutOnFailure)
    {
        if (!lockoutOnFailure || !UserManager.SupportsUserLockout) return await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
        if (await PreSignInCheck(user) is { } refused) return refused;

        var lockout = Options.Lockout;
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync();
        // Take one of the allowed attempts in one statement; none left means locked out, without evaluating the password.
        var reserved = await db.Users
            .Where(u => u.Id == user.Id && (!u.LockoutEnabled || u.AccessFailedCount < lockout.MaxFailedAccessAttempts) && (u.LockoutEnd == null || u.LockoutEnd <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, u => u.AccessFailedCount + 1));
        if (reserved == 0) return SignInResult.LockedOut;

        if (await UserManager.CheckPasswordAsync(user, password))
        {
            // As Identity: with a second factor still to come, the count is cleared when that succeeds.
            if (!await IsTwoFactorEnabledAsync(user) || await IsTwoFactorClientRememberedAsync(user))
                await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, 0));
            return SignInResult.Success;
        }

        var until = now + lockout.DefaultLockoutTimeSpan;
        var locked = await db.Users
            .Where(u => u.Id == user.Id && u.LockoutEnabled && u.AccessFailedCount >= lockout.MaxFailedAccessAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, until).SetProperty(u => u.AccessFailedCount, 0));
        if (locked == 1) Logger.LogWarning("User is locked out.");
        return locked == 1 ? SignInResult.LockedOut : SignInResult.Failed;
    }
}
