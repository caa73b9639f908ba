namespace Portal.Infrastructure.Http;

/// <summary>Reading a request body into memory without trusting its declared length.</summary>
public static class RequestBody
{
    /// <summary>
    /// Reads <paramref name="body"/> to its end, stopping as soon as it exceeds <paramref name="maxBytes"/> (chunked
    /// bodies have no Content-Length to check first).
    /// </summary>
    /// <returns>The bytes, or null when the body is longer than <paramref name="maxBytes"/>.</returns>
    public static async Task<byte[]?> ReadBoundedAsync(Stream body, int maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
