using System.Buffers;

namespace Portal.Infrastructure.Http;

/// <summary>Reading a request body into memory without trusting its declared length.</summary>
public static class RequestBody
{
    private const int FirstRead = 4096;

    /// <summary>
    /// Reads <paramref name="body"/> to its end, stopping as soon as it exceeds <paramref name="maxBytes"/> (chunked
    /// bodies have no Content-Length to check first). Reads into pooled buffers: the one array allocated is the result.
    /// </summary>
    /// <returns>The bytes, or null when the body is longer than <paramref name="maxBytes"/>.</returns>
    public static async Task<byte[]?> ReadBoundedAsync(Stream body, int maxBytes, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        // One byte past the limit is enough to tell that a body is too long.
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, FirstRead));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1L, 2L * buffer.Length));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0) return buffer.AsSpan(0, length).ToArray();
                length += read;
                if (length > maxBytes) return null;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
