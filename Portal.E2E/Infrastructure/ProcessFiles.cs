using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portal.E2E.Infrastructure;

/// <summary>What the tests that run Portal as a real process share: the built app, a key-ring certificate, a billed call.</summary>
public static class ProcessFiles
{
    /// <summary>The built <c>Portal.dll</c> of the same configuration as the running tests (Release or Debug).</summary>
    public static string PortalDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "Portal.sln"))) root = Path.GetDirectoryName(root)!;
            return Path.Combine(root, "Portal", "bin", configuration, "net10.0", "Portal.dll");
        }
    }

    /// <summary>
    /// <c>keyring.pfx</c> in <paramref name="dir"/>, created once (self-signed RSA 2048): Production on PostgreSQL needs the
    /// key ring's certificate, and every process of one test shares it.
    /// </summary>
    public static string KeyRingCertificate(string dir)
    {
        var path = Path.Combine(dir, "keyring.pfx");
        if (File.Exists(path)) return path;
        using var rsa = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=process test key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return path;
    }

    /// <summary>
    /// One billed <c>POST /generate-shortlink</c> to <paramref name="longUrl"/> with <paramref name="idempotencyKey"/>:
    /// the status code, or 0 and the exception when no answer came (connection refused or reset, timeout).
    /// </summary>
    public static async Task<(int Status, Exception? Error)> PostShortLinkAsync(HttpClient http, string longUrl, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/generate-shortlink") { Content = JsonContent.Create(new { longUrl }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        try
        {
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            return ((int)response.StatusCode, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return (0, ex);
        }
    }
}
