using System.Security.Cryptography;
using System.Text;
using Portal.Infrastructure.Api;

namespace Portal.Infrastructure.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on every API route (any endpoint carrying an <see cref="ApiEnvelope"/>), with Stripe's
/// semantics: keys are scoped to the API token and kept ≥ 24 h; a repeat with the same method, path, query and body
/// returns the stored status and body (header <c>Idempotent-Replayed: true</c>) and is not billed again; the same key
/// with a different request → 422; a repeat while the first is still running → 409; a key over 255 characters → 400.
/// Only responses that did work are stored (2xx, and 5xx after which the charge was refunded); a 4xx releases the key.
/// Errors answer in the route's own envelope.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next)
{
    /// <summary>The request header.</summary>
    public const string Header = "Idempotency-Key";

    /// <summary>Longest accepted key.</summary>
    public const int MaxKeyLength = 255;

    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context, IdempotencyStore store, IApiCallers callers, IIdempotentSettlement settlement, ILogger<IdempotencyMiddleware> log)
    {
        var envelope = context.GetEndpoint()?.Metadata.GetMetadata<ApiEnvelope>();
        if (envelope is null || !context.Request.Headers.TryGetValue(Header, out var values) || callers.TokenIdOf(context.User) is not { } tokenId)
        {
            await next(context);
            return;
        }

        var key = values.ToString();
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c < 0x20 || c > 0x7e))
        {
            await Error(400, $"Idempotency-Key 必须是 1–{MaxKeyLength} 个可打印 ASCII 字符");
            return;
        }

        var hash = await FingerprintAsync(context.Request) ?? throw ApiJson.TooLarge();

        var (decision, record) = await store.BeginAsync(tokenId, key, hash, context.RequestAborted);
        switch (decision)
        {
            case IdempotencyDecision.Mismatch:
                await Error(422, "Idempotency-Key 已用于另一个不同的请求");
                return;
            case IdempotencyDecision.InFlight:
                await Error(409, "相同 Idempotency-Key 的请求正在处理中，请稍后重试");
                return;
            case IdempotencyDecision.Replay:
                await settlement.DurableAsync();
                context.Response.StatusCode = record!.ResponseStatus ?? 200;
                if (record.ResponseContentType is { } type) context.Response.ContentType = type;
                if (record.ResponseContentDisposition is { } disposition) context.Response.Headers.ContentDisposition = disposition;
                if (record.ResponseCacheControl is { } cacheControl) context.Response.Headers.CacheControl = cacheControl;
                context.Response.Headers["Idempotent-Replayed"] = "true";
                var body = record.ResponseBody ?? [];
                context.Response.ContentLength = body.Length;
                await context.Response.Body.WriteAsync(body, context.RequestAborted);
                return;
        }

        settlement.Defer();
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        catch
        {
            await store.ReleaseAsync(record!.Id);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }

        var status = context.Response.StatusCode;
        var recordId = record!.Id;
        if (status is >= 200 and < 300 or >= 500)
        {
            var contentType = context.Response.ContentType;
            var disposition = context.Response.Headers.ContentDisposition.ToString() is { Length: > 0 } d ? d : null;
            var cacheControl = context.Response.Headers.CacheControl.ToString() is { Length: > 0 } c ? c : null;
            var bytes = buffer.ToArray();
            try
            {
                // One savepoint: the charges become Succeeded exactly when the response becomes replayable.
                await settlement.CompleteAsync(new IdempotentResponse(recordId, status, contentType, disposition, cacheControl, bytes), CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The work is done; its charges stay Pending and the reconciler refunds them (README: crash policy).
                log.LogError(ex, "Storing idempotent response and settling {Count} charge(s) failed", settlement.DeferredCount);
            }
        }
        else
        {
            await store.ReleaseAsync(recordId);
            await settlement.CompleteAsync(null, CancellationToken.None);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);

        Task Error(int code, string message) => envelope.Refusal(code, message).ExecuteAsync(context);
    }

    private static async Task<string?> FingerprintAsync(HttpRequest request)
    {
        request.EnableBuffering(ApiJson.MaxBodyBytes + 1);
        var body = await Http.RequestBody.ReadBoundedAsync(request.Body, ApiJson.MaxBodyBytes, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        if (body is null) return null;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
