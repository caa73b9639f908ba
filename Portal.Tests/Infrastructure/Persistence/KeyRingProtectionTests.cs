using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Portal.Infrastructure.Persistence;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Infrastructure.Persistence;

/// <summary>The Data Protection key ring lives in the database, encrypted with a certificate that does not.</summary>
public sealed class KeyRingProtectionTests
{
    [Fact]
    public async Task DatabaseAlone_WithoutTheCertificate_CannotUnprotectASecret()
    {
        var database = PortalFactory.NewDatabaseName();
        string protectedSecret;
        using (var original = new PortalFactory(database, deleteOnDispose: false))
        {
            protectedSecret = original.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("the AppSecret");
            await using var db = await original.DbAsync();
            var xml = string.Join("\n", await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync());
            Assert.Contains("EncryptedData", xml);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        }

        // Same database, same certificate: still readable after a restart.
        using (var restarted = new PortalFactory(database, deleteOnDispose: false))
            Assert.Equal("the AppSecret", restarted.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedSecret));

        // Same database, another certificate (what someone with a copy of the database alone has).
        var otherCertificate = Path.Combine(Path.GetTempPath(), $"other-{Guid.NewGuid():N}.pfx");
        using (var rsa = RSA.Create(2048))
        using (var certificate = new CertificateRequest("CN=someone else", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                   .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1)))
            await File.WriteAllBytesAsync(otherCertificate, certificate.Export(X509ContentType.Pfx));
        try
        {
            using var thief = new PortalFactory(database, deleteOnDispose: true) { Settings = { ["DataProtection:CertificatePath"] = otherCertificate } };
            var protector = thief.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
            Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(protectedSecret));
        }
        finally
        {
            File.Delete(otherCertificate);
        }
    }

    [Fact]
    public void ProductionOnPostgreSqlWithoutCertificate_StartUpRefuses()
    {
        var configuration = new ConfigurationBuilder().Build();
        var environment = new Environment { EnvironmentName = Environments.Production, ContentRootPath = Path.GetTempPath() };

        var error = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddKeyRing(configuration, environment, DatabaseProvider.PostgreSql));

        Assert.Contains("DataProtection:CertificatePath", error.Message);
    }

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "";
        public string ApplicationName { get; set; } = "Portal";
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
