using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;

namespace Portal.Infrastructure.Persistence;

/// <summary>Configuration section <c>DataProtection</c>: the key-encryption certificate of the Data Protection key ring.</summary>
public sealed class KeyRingOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "DataProtection";

    /// <summary>
    /// A PKCS#12 file (<c>.pfx</c>) with the certificate and private key that encrypt the key ring stored in the
    /// database. Every instance needs the same one. Empty: on SQLite a certificate is created beside the database
    /// file on first run; with PostgreSQL or SQL Server outside Production, under <c>data/</c>; in Production with
    /// those providers start-up stops until one is configured.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <see cref="CertificatePath"/>, if it has one.</summary>
    public string? CertificatePassword { get; set; }
}

/// <summary>
/// ASP.NET Core Data Protection with its key ring in the database (shared by every instance) and encrypted there with
/// a certificate that is not in the database: a copy of the database alone cannot unprotect an AppSecret, a stored
/// access token or a session key. Certificates created here are written with owner-only permissions (0600).
/// </summary>
public static class KeyRingProtection
{
    /// <summary>Adds Data Protection.</summary>
    /// <exception cref="InvalidOperationException">Production on PostgreSQL or SQL Server without <see cref="KeyRingOptions.CertificatePath"/>.</exception>
    public static IServiceCollection AddKeyRing(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, DatabaseProvider provider)
    {
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Data Protection takes its certificate when it is registered, so the section is also read here, before there
        // is a container to ask.
        var options = configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions();
        var path = options.CertificatePath;
        if (string.IsNullOrWhiteSpace(path))
        {
            if (provider != DatabaseProvider.Sqlite && environment.IsProduction())
                throw new InvalidOperationException(
                    "DataProtection:CertificatePath is required in Production with PostgreSQL or SQL Server: the key ring in the database is encrypted with it (see docs/operations.md).");
            path = DefaultCertificatePath(configuration, environment, provider);
        }
        else if (!Path.IsPathRooted(path)) path = Path.GetFullPath(Path.Combine(environment.ContentRootPath, path));

        var certificate = LoadOrCreate(path, options.CertificatePassword, mayCreate: string.IsNullOrWhiteSpace(options.CertificatePath));
        services.AddDataProtection().SetApplicationName("Portal").PersistKeysToDbContext<PortalDbContext>()
            .ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        return services;
    }

    /// <summary>Where the certificate lives when none is configured: beside the SQLite file, else under <c>data/</c>.</summary>
    public static string DefaultCertificatePath(IConfiguration configuration, IHostEnvironment environment, DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var database = new SqliteConnectionStringBuilder(
                PersistenceExtensions.SqliteConnectionString(configuration.GetConnectionString("Portal"), environment.ContentRootPath)).DataSource;
            if (database != ":memory:") return database + ".keyring.pfx";
        }
        return Path.Combine(environment.ContentRootPath, "data", "keyring.pfx");
    }

    private static X509Certificate2 LoadOrCreate(string path, string? password, bool mayCreate)
    {
        if (!File.Exists(path))
        {
            if (!mayCreate) throw new InvalidOperationException($"DataProtection:CertificatePath: {path} does not exist");
            Create(path);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
    }

    private static void Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Portal Data Protection key-encryption key", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temporary, options)) file.Write(certificate.Export(X509ContentType.Pfx));
        try
        {
            // Two processes starting at once: the first rename wins, the other keeps the winner's certificate.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }
}
