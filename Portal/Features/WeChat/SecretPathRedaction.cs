using System.Collections;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Portal.Features.WeChat;

/// <summary>
/// Keeps seed-003 secrets out of every log line. ASP.NET Core's request logging writes the full URL,
/// and seed 003 carries the AppSecret as a path segment (<c>/wx/mini/v1/{appId}/{secret}/…</c>) and session tokens,
/// session keys and encrypted data in the query. This wraps the logger factory so every message, structured value
/// and scope mentioning <c>/wx/mini/v1/</c> has that segment and the query replaced by <c>***</c>, whichever
/// providers are registered. It also masks Data Protection master keys: the key ring's EF Core repository logs every
/// key's XML at Debug ("Reading data with key …, value …"): the <c>&lt;masterKey&gt;</c> (keys written before the key ring was
/// encrypted) or its <c>&lt;encryptedSecret&gt;</c> form, and that key decrypts every stored AppSecret and session_key.
/// </summary>
public static partial class SecretPathRedaction
{
    /// <summary>What replaces a secret.</summary>
    public const string Mask = "***";

    // Without the leading slash: routing logs route values such as "wx/mini/v1/{appId}/{secret}/code2Session".
    private const string Marker = "wx/mini/v1/";

    private const string KeyMarker = "<masterKey";

    private const string EncryptedKeyMarker = "<encryptedSecret";

    /// <summary>Replaces the <c>ILoggerFactory</c> with the redacting one.</summary>
    public static IServiceCollection AddSecretPathRedaction(this IServiceCollection services)
    {
        services.AddSingleton<ILoggerFactory, RedactingLoggerFactory>();
        return services;
    }

    /// <summary>
    /// <paramref name="text"/> with, in every <c>/wx/mini/v1/{appId}/X/…</c> URL, the segment X and any query string
    /// replaced by <see cref="Mask"/>, and every Data Protection <c>&lt;masterKey&gt;…&lt;/masterKey&gt;</c> element (to the end
    /// of the text when unclosed) replaced by <c>&lt;masterKey&gt;***&lt;/masterKey&gt;</c>.
    /// </summary>
    public static string Redact(string text)
    {
        if (text.Contains(KeyMarker, StringComparison.OrdinalIgnoreCase) || text.Contains(EncryptedKeyMarker, StringComparison.OrdinalIgnoreCase))
            text = MasterKey().Replace(text, "<$1>" + Mask + "</$1>");
        if (!text.Contains(Marker, StringComparison.OrdinalIgnoreCase)) return text;
        text = SecretSegment().Replace(text, "$1" + Mask);
        return QueryString().Replace(text, "$1?" + Mask);
    }

    internal static bool Mentions(string? text) =>
        text is not null && (text.Contains(Marker, StringComparison.OrdinalIgnoreCase) || text.Contains(KeyMarker, StringComparison.OrdinalIgnoreCase)
            || text.Contains(EncryptedKeyMarker, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"<(masterKey|encryptedSecret)\b.*?(</\1>|$)", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex MasterKey();

    [GeneratedRegex(@"(wx/mini/v1/[^/?#\s""']+/)[^/?#\s""']+(?=/)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretSegment();

    [GeneratedRegex(@"(wx/mini/v1/[^?#\s""']*)\?[^#\s""']*", RegexOptions.IgnoreCase)]
    private static partial Regex QueryString();

    /// <summary>The framework's logger factory with every logger wrapped in <see cref="RedactingLogger"/>.</summary>
    private sealed class RedactingLoggerFactory(IEnumerable<ILoggerProvider> providers, IOptionsMonitor<LoggerFilterOptions> filter, IOptions<LoggerFactoryOptions> options)
        : ILoggerFactory
    {
        private readonly LoggerFactory _inner = new(providers, filter, options);

        public ILogger CreateLogger(string categoryName) => new RedactingLogger(_inner.CreateLogger(categoryName));

        public void AddProvider(ILoggerProvider provider) => _inner.AddProvider(provider);

        public void Dispose() => _inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            NeedsRedaction(state, null) ? inner.BeginScope(new RedactedState(state, Redact(state.ToString() ?? ""))) : inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (!NeedsRedaction(state, message))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            inner.Log(logLevel, eventId, new RedactedState(state, Redact(message)), exception, static (s, _) => s.Message);
        }

        private static bool NeedsRedaction<TState>(TState state, string? message)
        {
            if (Mentions(message) || Mentions(state?.ToString())) return true;
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                foreach (var (_, value) in pairs)
                    if (value is string s && Mentions(s)) return true;
            return false;
        }
    }

    /// <summary>A log state whose string values are redacted; a <c>QueryString</c> value is masked entirely.</summary>
    private sealed class RedactedState : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _pairs = [];

        public RedactedState(object? state, string message)
        {
            Message = message;
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                foreach (var (key, value) in pairs)
                    _pairs.Add(new(key, key == "QueryString" && value is string q && q.Length > 0 ? "?" + Mask : value is string s ? Redact(s) : value));
        }

        public string Message { get; }

        public KeyValuePair<string, object?> this[int index] => _pairs[index];

        public int Count => _pairs.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _pairs.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}
