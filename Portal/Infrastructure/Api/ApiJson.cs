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
    /// <returns>The object, or an error message (Chinese) saying what is wrong.</returns>
    public static async Task<(JsonElement Body, string? Error)> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType()) return (default, "Content-Type 必须为 application/json");
        if (request.ContentLength > MaxBodyBytes) return (default, $"请求体过大（上限 {MaxBodyBytes / 1024} KB）");

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return (default, $"请求体过大（上限 {MaxBodyBytes / 1024} KB）");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return (default, "请求体不能为空");
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            return doc.RootElement.ValueKind == JsonValueKind.Object
                ? (doc.RootElement.Clone(), null)
                : (default, "请求体必须是 JSON 对象");
        }
        catch (JsonException)
        {
            return (default, "请求体不是合法的 JSON");
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
