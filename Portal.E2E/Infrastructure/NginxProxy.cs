using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// Debian's nginx running the shipped <c>deploy/nginx/portal.conf</c> in a temporary prefix: the instances' addresses,
/// the listen ports, the certificate (self-signed, made here) and the log path are substituted, nothing else. Every
/// substitution must find its line, so a change to the shipped file that breaks them fails the test instead of
/// testing something else. Missing nginx is a failure (test.sh installs it).
/// </summary>
public sealed class NginxProxy : IDisposable
{
    private Process? _process;

    /// <summary>Renders the configuration for instances at <paramref name="instancePorts"/> on 127.0.0.1.</summary>
    public NginxProxy(IReadOnlyList<int> instancePorts)
    {
        Dir = Directory.CreateTempSubdirectory("portal-nginx-").FullName;
        HttpsPort = PortalProcesses.FreePort();
        HttpPort = PortalProcesses.FreePort();
        var (certificate, key) = SelfSignedPem();
        File.WriteAllText(Path.Combine(Dir, "cert.pem"), certificate);
        File.WriteAllText(Path.Combine(Dir, "key.pem"), key);

        var shipped = File.ReadAllText(Path.Combine(RepoRoot(), "deploy", "nginx", "portal.conf"));
        var servers = string.Join("\n", instancePorts.Select(p => $"    server 127.0.0.1:{p} max_fails=2 fail_timeout=5s;"));
        var rendered = Replace(shipped, "    server 10.0.0.11:5000 max_fails=2 fail_timeout=5s;   # EDIT: one line per Portal instance\n    server 10.0.0.12:5000 max_fails=2 fail_timeout=5s;", servers);
        rendered = Replace(rendered, "    server 10.0.0.11:5000 max_fails=2 fail_timeout=5s;   # EDIT: the same instances\n    server 10.0.0.12:5000 max_fails=2 fail_timeout=5s;", servers);
        rendered = Replace(rendered, "    listen 80;", $"    listen 127.0.0.1:{HttpPort};");
        rendered = Replace(rendered, "    listen 443 ssl;", $"    listen 127.0.0.1:{HttpsPort} ssl;");
        rendered = Replace(rendered, "/etc/ssl/portal/fullchain.pem", Path.Combine(Dir, "cert.pem"));
        rendered = Replace(rendered, "/etc/ssl/portal/privkey.pem", Path.Combine(Dir, "key.pem"));
        rendered = Replace(rendered, "/var/log/nginx/portal-access.log", AccessLog);
        File.WriteAllText(Path.Combine(Dir, "portal.conf"), rendered);
        Directory.CreateDirectory(Path.Combine(Dir, "temp"));
        // The main file stands in for Debian's /etc/nginx/nginx.conf: the shipped file is included in http { }.
        File.WriteAllText(ConfigPath, $$"""
            {{(Environment.UserName == "root" ? "user root;" : "")}}
            worker_processes 1;
            pid {{Dir}}/nginx.pid;
            error_log {{Dir}}/error.log warn;
            events { worker_connections 512; }
            http {
                client_body_temp_path {{Dir}}/temp/body;
                proxy_temp_path {{Dir}}/temp/proxy;
                include {{Dir}}/portal.conf;
            }
            """);
    }

    /// <summary>The prefix folder.</summary>
    public string Dir { get; }

    /// <summary>Port of the TLS server (<c>listen 443 ssl</c> in the shipped file).</summary>
    public int HttpsPort { get; }

    /// <summary>Port of the redirect server (<c>listen 80</c>).</summary>
    public int HttpPort { get; }

    /// <summary>Base URL through nginx.</summary>
    public string BaseUrl => $"https://127.0.0.1:{HttpsPort}";

    /// <summary>The access log, format <c>portal</c> (it names the instance that answered: <c>upstream=…</c>).</summary>
    public string AccessLog => Path.Combine(Dir, "access.log");

    private string ConfigPath => Path.Combine(Dir, "nginx.conf");

    /// <summary>Runs <c>nginx -t</c> on the rendered configuration; returns the exit code and its output.</summary>
    public (int ExitCode, string Output) Test()
    {
        using var process = Process.Start(Info("-t"))!;
        var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    /// <summary>Starts nginx in the foreground (as a child process) and waits for its TLS port.</summary>
    public async Task StartAsync()
    {
        _process = Process.Start(Info("-g", "daemon off;"))!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            if (_process.HasExited) Assert.Fail($"nginx exited with {_process.ExitCode}: {ErrorLog()}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", HttpsPort);
                return;
            }
            catch (SocketException) { await Task.Delay(50); }
        }
        Assert.Fail("nginx did not listen within 5 s: " + ErrorLog());
    }

    /// <summary>nginx's error log so far.</summary>
    public string ErrorLog() => File.Exists(Path.Combine(Dir, "error.log")) ? File.ReadAllText(Path.Combine(Dir, "error.log")) : "";

    /// <summary>An HttpClient to nginx that accepts its self-signed certificate and does not follow redirects.</summary>
    public HttpClient Client() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    }) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };

    private ProcessStartInfo Info(params string[] args)
    {
        var binary = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-p", Dir + "/", "-c", ConfigPath }.Concat(args)) info.ArgumentList.Add(a);
        return info;
    }

    private static string Replace(string text, string shipped, string replacement)
    {
        Assert.True(text.Contains(shipped), $"deploy/nginx/portal.conf no longer contains:\n{shipped}");
        return text.Replace(shipped, replacement);
    }

    private static (string Certificate, string Key) SelfSignedPem()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return (certificate.ExportCertificatePem(), rsa.ExportPkcs8PrivateKeyPem());
    }

    private static string RepoRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Portal.sln"))) root = Path.GetDirectoryName(root)!;
        return root;
    }

    /// <summary>Stops nginx and removes the prefix.</summary>
    public void Dispose()
    {
        try { if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process?.WaitForExit(5000);
        _process?.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
