namespace Portal.Infrastructure;

/// <summary>Configuration section <c>Portal</c>.</summary>
public sealed class PortalOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "Portal";

    /// <summary>Default global request body limit, in bytes (1 MiB); override with <c>Kestrel:Limits:MaxRequestBodySize</c>.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>
    /// Base of every public link Portal hands out (<c>{PublicBaseUrl}/s/{code}</c>, <c>/m/{code}</c>), e.g.
    /// <c>https://portal.example.com</c>. Empty (the default): the request's own scheme and host.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Admins must enrol an authenticator app (TOTP) before admin pages open. Default true.</summary>
    public bool RequireAdminTwoFactor { get; set; } = true;

    /// <summary>The first admin, created at start-up when no admin exists.</summary>
    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();
}

/// <summary>Configuration section <c>Portal:BootstrapAdmin</c>.</summary>
public sealed class BootstrapAdminOptions
{
    /// <summary>E-mail (user name) of the first admin. Default <c>admin@portal.local</c>.</summary>
    public string Email { get; set; } = "admin@portal.local";

    /// <summary>Password; when empty a strong one is generated and printed once to the console.</summary>
    public string? Password { get; set; }
}

/// <summary>Builds absolute public URLs from <see cref="PortalOptions.PublicBaseUrl"/> or the current request.</summary>
public sealed class PublicUrls(Microsoft.Extensions.Options.IOptions<PortalOptions> options)
{
    /// <summary>The public base URL without a trailing slash, e.g. <c>http://localhost:5000</c>.</summary>
    public string BaseUrl(HttpRequest request) =>
        string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}{request.PathBase}"
            : options.Value.PublicBaseUrl.TrimEnd('/');

    /// <summary>An absolute URL for <paramref name="path"/> (which starts with <c>/</c>).</summary>
    public string Absolute(HttpRequest request, string path) => BaseUrl(request) + path;

    /// <summary>Host names that are Portal itself (configured base URL and the request's host), lower-case.</summary>
    public IReadOnlyCollection<string> OwnHosts(HttpRequest? request)
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (Uri.TryCreate(options.Value.PublicBaseUrl, UriKind.Absolute, out var configured)) hosts.Add(configured.Host);
        if (request is not null && request.Host.HasValue) hosts.Add(request.Host.Host);
        return hosts;
    }
}
