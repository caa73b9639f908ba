using System.Text.Json;

namespace Portal.Infrastructure.Api;

/// <summary>
/// Reads API request bodies ourselves rather than through minimal-API binding, so that every malformed body
/// (wrong Content-Type, invalid JSON, wrong types) gets a clear message in the route's own envelope instead of
/// the framework's empty 400.
/// </summary>
public static class ApiJson
{
    /// <summary>Largest accepted JSON body: 64 KiB.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Reads the body as one JSON object.</summary>
    /// <returns>The object, or an error message (Chinese) saying what is wrong (a 400).</returns>
    /// <exception cref="BadHttpRequestException">413 when the body is over <see cref="MaxBodyBytes"/>: every over-limit
    /// body, whoever reads it, is answered by <see cref="BadRequestEnvelopeMiddleware"/> in the route's envelope.</exception>
    public static async Task<(JsonElement Body, string? Error)> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType()) return (default, "Content-Type 必须为 application/json");
        if (request.ContentLength > MaxBodyBytes) throw TooLarge();

        if (await Http.RequestBody.ReadBoundedAsync(request.Body, MaxBodyBytes, ct) is not { } bytes) throw TooLarge();
        if (bytes.Length == 0) return (default, "请求体不能为空");
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (default, "请求体必须是 JSON 对象");
            if (Problem(doc.RootElement) is { } problem) return (default, problem);
            return (doc.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (default, "请求体不是合法的 JSON（或不是合法的 UTF-8）");
        }
    }

    /// <summary>The message of a 413 on an API route.</summary>
    public static readonly string TooLargeMessage = $"请求体过大（上限 {MaxBodyBytes / 1024} KB）";

    /// <summary>The exception that makes an over-limit body a 413 in the route's envelope.</summary>
    public static BadHttpRequestException TooLarge() => new(TooLargeMessage, StatusCodes.Status413PayloadTooLarge);

    /// <summary>
    /// What is wrong with a parsed body that JSON itself allows, or null: an escaped lone surrogate (<c>"\ud800"</c>),
    /// which no string can hold, and a key given twice in one object — refused rather than "last one wins", so that no
    /// two readers of one body can disagree about it.
    /// </summary>
    private static string? Problem(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return null;
                case JsonValueKind.Object:
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var property in element.EnumerateObject())
                    {
                        if (!names.Add(property.Name)) return $"请求体中的字段 {property.Name} 重复出现";
                        if (Problem(property.Value) is { } inner) return inner;
                    }
                    return null;
                case JsonValueKind.Array:
                    return element.EnumerateArray().Select(Problem).FirstOrDefault(p => p is not null);
                default:
                    return null;
            }
        }
        catch (InvalidOperationException)
        {
            return "请求体包含无效的 Unicode 字符（如孤立的代理项）";
        }
    }

    /// <summary>
    /// A required, non-blank string field. Returns the trimmed value, or an error message naming the field when it
    /// is missing, not a string, or blank.
    /// </summary>
    public static (string? Value, string? Error) RequiredString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null) return (null, $"缺少参数 {name}");
        if (p.ValueKind != JsonValueKind.String) return (null, $"参数 {name} 必须是字符串");
        var s = p.GetString()!.Trim();
        return s.Length == 0 ? (null, $"参数 {name} 不能为空") : (s, null);
    }

    /// <summary>An optional string field: null when absent or null; an error when present with another type.</summary>
    public static (string? Value, string? Error) OptionalString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null) return (null, null);
        return p.ValueKind == JsonValueKind.String ? (p.GetString()!.Trim(), null) : (null, $"参数 {name} 必须是字符串");
    }
}
