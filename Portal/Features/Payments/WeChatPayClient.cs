using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Portal.Features.Payments;

/// <summary>The merchant private key and the WeChat Pay public key, read once from the configured PEM files.</summary>
public sealed class WeChatPayKeys : IDisposable
{
    private readonly Lazy<RSA> _merchant;
    private readonly Lazy<RSA> _platform;

    /// <summary>Reads the files named by <paramref name="options"/> on first use (relative paths from the content root).</summary>
    public WeChatPayKeys(IOptions<WeChatPayOptions> options, IHostEnvironment environment)
    {
        var o = options.Value;
        _merchant = new(() => Load(Resolve(environment, o.MerchantPrivateKeyPath), "MerchantPrivateKeyPath"));
        _platform = new(() => Load(Resolve(environment, o.PublicKeyPath), "PublicKeyPath"));
        ApiV3Key = Encoding.UTF8.GetBytes(o.ApiV3Key);
    }

    /// <summary>Signs requests.</summary>
    public RSA MerchantPrivateKey => _merchant.Value;

    /// <summary>Verifies responses and notifications.</summary>
    public RSA WeChatPayPublicKey => _platform.Value;

    /// <summary>The APIv3 key bytes (32).</summary>
    internal byte[] ApiV3Key { get; }

    /// <summary>The path <paramref name="path"/> means, relative to the content root when not absolute.</summary>
    public static string Resolve(IHostEnvironment environment, string path) =>
        Path.IsPathRooted(path) ? path : Path.Combine(environment.ContentRootPath, path);

    /// <summary>Reads a PEM key file (PKCS#8/PKCS#1 private, or SubjectPublicKeyInfo public).</summary>
    /// <exception cref="InvalidOperationException">Missing or unreadable (the message names the setting, never the key).</exception>
    public static RSA Load(string path, string setting)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(path));
            return rsa;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"{WeChatPayOptions.Section}:{setting}: cannot read a PEM RSA key from {path} ({ex.GetType().Name})");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_merchant.IsValueCreated) _merchant.Value.Dispose();
        if (_platform.IsValueCreated) _platform.Value.Dispose();
        CryptographicOperations.ZeroMemory(ApiV3Key);
    }
}

/// <summary>Checks at start-up that the configured key files exist and hold RSA keys (only when WeChat Pay is enabled).</summary>
internal sealed class WeChatPayKeyValidation(IHostEnvironment environment) : IValidateOptions<WeChatPayOptions>
{
    public ValidateOptionsResult Validate(string? name, WeChatPayOptions options)
    {
        if (!options.Enabled || string.IsNullOrWhiteSpace(options.MerchantPrivateKeyPath) || string.IsNullOrWhiteSpace(options.PublicKeyPath))
            return ValidateOptionsResult.Success;
        var errors = new List<string>();
        foreach (var (path, setting, needPrivate) in new[] { (options.MerchantPrivateKeyPath, "MerchantPrivateKeyPath", true), (options.PublicKeyPath, "PublicKeyPath", false) })
        {
            try
            {
                using var key = WeChatPayKeys.Load(WeChatPayKeys.Resolve(environment, path), setting);
                if (needPrivate) key.ExportParameters(includePrivateParameters: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or CryptographicException)
            {
                errors.Add(ex is CryptographicException ? $"{WeChatPayOptions.Section}:{setting} holds no private key" : ex.Message);
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// WeChat Pay API v3 (Native) over HTTP: every request signed with the merchant key, every answer verified with the
/// WeChat Pay public key (serial, timestamp within <see cref="WeChatPayOptions.MaxClockSkew"/>, signature) before its
/// body is read. Its HttpClient logs nothing (request URLs carry order numbers only, but bodies are never logged either).
/// </summary>
public sealed class WeChatPayClient(IHttpClientFactory http, IOptions<WeChatPayOptions> options, WeChatPayKeys keys, TimeProvider time, ILogger<WeChatPayClient> log)
    : IPaymentProvider
{
    /// <summary>Named HttpClient.</summary>
    public const string HttpClientName = "WeChatPay";

    /// <summary>The value stored in <see cref="TopUpOrder.Provider"/>.</summary>
    public const string ProviderName = "WeChatPay";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private WeChatPayOptions O => options.Value;

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public bool Enabled => O.Enabled;

    /// <inheritdoc />
    public async Task<PaymentCreated> CreateAsync(TopUpOrder order, string description, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new
        {
            appid = O.AppId, mchid = O.MchId, description, out_trade_no = order.OutTradeNo,
            time_expire = order.ExpiresAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            notify_url = O.NotifyUrl, amount = new { total = order.AmountFen, currency = order.Currency },
        });
        var (status, json) = await SendAsync(HttpMethod.Post, "v3/pay/transactions/native", body, ct);
        if (status != HttpStatusCode.OK) throw Refused("native order", status, json);
        var codeUrl = Parse(json)?["code_url"]?.GetValue<string>();
        if (string.IsNullOrEmpty(codeUrl)) throw new PaymentProviderException("WeChat Pay answered no code_url");
        return new PaymentCreated(codeUrl);
    }

    /// <inheritdoc />
    public async Task<PaymentReport> QueryAsync(string outTradeNo, CancellationToken ct)
    {
        var (status, json) = await SendAsync(HttpMethod.Get,
            $"v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(outTradeNo)}?mchid={Uri.EscapeDataString(O.MchId)}", null, ct);
        if (status == HttpStatusCode.NotFound && ErrorCode(json) == "ORDER_NOT_EXIST")
            return new PaymentReport(outTradeNo, PaymentState.NotFound, null, null, null, O.MchId, O.AppId);
        if (status != HttpStatusCode.OK) throw Refused("order query", status, json);
        return ReadTransaction(Parse(json)) ?? throw new PaymentProviderException("WeChat Pay answered an unreadable transaction");
    }

    /// <inheritdoc />
    public async Task CloseAsync(string outTradeNo, CancellationToken ct)
    {
        var (status, json) = await SendAsync(HttpMethod.Post, $"v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(outTradeNo)}/close",
            JsonSerializer.Serialize(new { mchid = O.MchId }), ct);
        if (status is not (HttpStatusCode.NoContent or HttpStatusCode.OK)) throw Refused("close", status, json);
    }

    /// <inheritdoc />
    public PaymentNotice ReadNotification(Func<string, string?> headers, string body)
    {
        if (VerifySignature(headers, body) is { } refused) return new PaymentNotice(null, refused);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return new PaymentNotice(null, "malformed body");
        }
        var resource = root?["resource"];
        if (resource?["algorithm"]?.GetValue<string>() != "AEAD_AES_256_GCM" || resource["ciphertext"]?.GetValue<string>() is not { } ciphertext
            || resource["nonce"]?.GetValue<string>() is not { } nonce)
            return new PaymentNotice(null, "unsupported resource");
        var plaintext = WeChatPayCrypto.Decrypt(keys.ApiV3Key, nonce, resource["associated_data"]?.GetValue<string>(), ciphertext);
        if (plaintext is null) return new PaymentNotice(null, "resource decryption failed");
        JsonNode? transaction;
        try
        {
            transaction = JsonNode.Parse(plaintext);
        }
        catch (JsonException)
        {
            return new PaymentNotice(null, "malformed resource");
        }
        return ReadTransaction(transaction) is { } report ? new PaymentNotice(report, null) : new PaymentNotice(null, "unreadable transaction");
    }

    /// <summary>Null when the headers carry a valid, fresh signature by the configured WeChat Pay public key; else why not.</summary>
    private string? VerifySignature(Func<string, string?> headers, string body)
    {
        var serial = headers("Wechatpay-Serial");
        var timestamp = headers("Wechatpay-Timestamp");
        var nonce = headers("Wechatpay-Nonce");
        var signature = headers("Wechatpay-Signature");
        if (serial is null || timestamp is null || nonce is null || signature is null) return "missing signature headers";
        // WeChat Pay's probe ("WECHATPAY/SIGNTEST/…") is deliberately unverifiable: refused like any other bad signature.
        if (!string.Equals(serial, O.PublicKeyId, StringComparison.Ordinal)) return "unknown Wechatpay-Serial";
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return "bad Wechatpay-Timestamp";
        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
        if (age.Duration() > O.MaxClockSkew) return "stale Wechatpay-Timestamp";
        return WeChatPayCrypto.Verify(keys.WeChatPayPublicKey, WeChatPayCrypto.ResponseMessage(timestamp, nonce, body), signature)
            ? null : "bad signature";
    }

    private PaymentReport? ReadTransaction(JsonNode? t)
    {
        try
        {
            return ReadTransactionFields(t);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return null; // a field of an unexpected JSON type
        }
    }

    private PaymentReport? ReadTransactionFields(JsonNode? t)
    {
        if (t?["out_trade_no"]?.GetValue<string>() is not { } outTradeNo || t["trade_state"]?.GetValue<string>() is not { } tradeState) return null;
        var state = tradeState switch
        {
            "SUCCESS" => PaymentState.Paid,
            "NOTPAY" or "USERPAYING" => PaymentState.Unpaid,
            "REFUND" => PaymentState.Refunded,
            _ => PaymentState.Closed, // CLOSED, REVOKED, PAYERROR
        };
        var amount = t["amount"];
        return new PaymentReport(outTradeNo, state, t["transaction_id"]?.GetValue<string>(),
            amount?["total"]?.GetValue<long>(), amount?["currency"]?.GetValue<string>(),
            t["mchid"]?.GetValue<string>(), t["appid"]?.GetValue<string>());
    }

    /// <summary>Sends a signed request; returns the status and the verified body.</summary>
    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string relative, string? body, CancellationToken ct)
    {
        var client = http.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(method, relative);
        var uri = new Uri(client.BaseAddress!, relative);
        var nonce = WeChatPayCrypto.NewNonce();
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.TryAddWithoutValidation("Authorization",
            WeChatPayCrypto.Authorization(keys.MerchantPrivateKey, O.MchId, O.MerchantCertificateSerial, method.Method, uri.PathAndQuery, timestamp, nonce, body ?? ""));
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", "Portal/1.0");
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(O.Timeout);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await client.SendAsync(request, timeout.Token);
            text = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new PaymentProviderException($"WeChat Pay did not answer ({ex.GetType().Name})", inner: ex);
        }
        using (response)
        {
            string? Header(string name) => response.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault() : null;
            if (VerifySignature(Header, text) is { } refused)
            {
                log.LogWarning("WeChat Pay answer to {Method} {Path} refused: {Reason} (HTTP {Status})", method.Method, uri.AbsolutePath, refused, (int)response.StatusCode);
                throw new PaymentProviderException($"WeChat Pay answer not trusted: {refused}");
            }
            return (response.StatusCode, text);
        }
    }

    private static JsonNode? Parse(string json)
    {
        try
        {
            return string.IsNullOrEmpty(json) ? null : JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ErrorCode(string json) => Parse(json)?["code"]?.GetValue<string>();

    private static PaymentProviderException Refused(string what, HttpStatusCode status, string json)
    {
        var node = Parse(json);
        var code = node?["code"]?.GetValue<string>() ?? "?";
        var message = node?["message"]?.GetValue<string>() ?? "";
        return new PaymentProviderException($"WeChat Pay refused the {what}: HTTP {(int)status} {code} {message}".Trim(), definite: (int)status is >= 400 and < 500);
    }
}
