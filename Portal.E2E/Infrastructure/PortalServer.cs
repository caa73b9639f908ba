using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// The real app on a real Kestrel port (127.0.0.1, dynamic), over a fresh SQLite file, with a known bootstrap admin.
/// </summary>
public sealed class PortalServer : WebApplicationFactory<Program>
{
    /// <summary>The bootstrap admin's e-mail.</summary>
    public const string AdminEmail = "admin@e2e.local";

    /// <summary>The bootstrap admin's password.</summary>
    public const string AdminPassword = "Admin-E2E-Passw0rd!";

    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"portal-e2e-{Guid.NewGuid():N}.db");

    /// <summary>Extra settings applied before start (e.g. <c>WeChat:ApiBaseUrl</c>).</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>Base address, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Starts Kestrel and reads the bound address.</summary>
    public void Start()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().TrimEnd('/');
    }

    /// <summary>
    /// Enrols the bootstrap admin in TOTP two-factor sign-in (admin pages require it) and returns the authenticator key
    /// (Base32), as if the admin had scanned the QR code on the enable-authenticator page.
    /// </summary>
    public async Task<string> EnrollAdminAuthenticatorAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Features.Accounts.ApplicationUser>>();
        var admin = await users.FindByEmailAsync(AdminEmail) ?? throw new InvalidOperationException("no bootstrap admin");
        await users.ResetAuthenticatorKeyAsync(admin);
        await users.SetTwoFactorEnabledAsync(admin, true);
        return (await users.GetAuthenticatorKeyAsync(admin))!;
    }

    /// <summary>The Identity user id of the user with <paramref name="email"/> (for pages addressed by id, e.g. <c>/admin/users/{id}</c>).</summary>
    public async Task<string> UserIdAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Features.Accounts.ApplicationUser>>();
        return (await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"no user {email}")).Id;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseUrls("http://127.0.0.1:0");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={_dbPath}");
        builder.UseSetting("Portal:BootstrapAdmin:Email", AdminEmail);
        builder.UseSetting("Portal:BootstrapAdmin:Password", AdminPassword);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try { File.Delete(_dbPath + suffix); } catch (IOException) { }
        }
    }
}
