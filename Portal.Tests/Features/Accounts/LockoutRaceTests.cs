using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Features.Accounts;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Accounts;

/// <summary>A parallel burst of wrong passwords evaluates exactly the allowed number of them, then the account is locked.</summary>
public sealed class LockoutRaceTests : IDisposable
{
    private readonly CountingHasher _hasher = new();
    private readonly PortalFactory _factory;

    public LockoutRaceTests()
    {
        _factory = new PortalFactory { TestServices = { s => s.Replace(ServiceDescriptor.Singleton<IPasswordHasher<ApplicationUser>>(_hasher)) } };
    }

    [Fact]
    public async Task ThirtyParallelWrongPasswords_ExactlyFiveEvaluated_ThenLockedEvenForTheRightOne()
    {
        var user = await _factory.CreateUserAsync();
        var clients = Enumerable.Range(0, 30).Select(_ => _factory.BrowserClient()).ToList();
        _hasher.Reset();

        using var start = new SemaphoreSlim(0);
        var attempts = clients.Select(async c =>
        {
            await start.WaitAsync();
            return await c.LogInAsync(user.Email, "Wrong-Passw0rd!");
        }).ToList();
        start.Release(attempts.Count);
        var responses = await Task.WhenAll(attempts);

        Assert.Equal(5, _hasher.Verifications);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{(int)r.StatusCode}"));
        var withRightPassword = await _factory.BrowserClient().LogInAsync(user.Email, TestUser.Password);
        Assert.Contains("Account/Lockout", withRightPassword.Headers.Location?.ToString());
        Assert.Equal(5, _hasher.Verifications); // refused without looking at the password
    }

    public void Dispose() => _factory.Dispose();

    private sealed class CountingHasher : IPasswordHasher<ApplicationUser>
    {
        private readonly PasswordHasher<ApplicationUser> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public void Reset() => Interlocked.Exchange(ref _verifications, 0);

        public string HashPassword(ApplicationUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
