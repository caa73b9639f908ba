using System.Security.Claims;
using Portal.Features.Billing;

namespace Portal.Infrastructure.Api;

/// <summary>
/// Turns a <see cref="ServiceUnavailableException"/> into 503 with <c>Retry-After</c>, and Kestrel's <see cref="BadHttpRequestException"/> (a body over <c>Kestrel:Limits:MaxRequestBodySize</c> → 413,
/// a malformed chunked body, a client that stops sending → 400/408) into its own 4xx instead of a 500 error page:
/// in the route's envelope on API routes, an empty response with that status elsewhere.
/// </summary>
public static class BadRequestEnvelopeMiddleware
{
    /// <summary>Adds the middleware (early: after the request id, before anything that reads the body).</summary>
    public static IApplicationBuilder UseBadRequestEnvelope(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.Headers[RequestIdMiddleware.Header] = context.TraceIdentifier;
            var envelope = context.GetEndpoint()?.Metadata.GetMetadata<ApiEnvelope>();
            if (envelope is null)
            {
                context.Response.StatusCode = ex.StatusCode;
                return;
            }
            var message = ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? "请求体过大" : "请求格式错误";
            long? balance = null;
            if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
                balance = await context.RequestServices.GetRequiredService<BillingLedger>().GetBalanceFenAsync(userId, Portal.Features.ApiTokens.ApiCaller.IsTestMode(context.User), CancellationToken.None);
            await envelope.Error(ex.StatusCode, message, balance).ExecuteAsync(context);
        }
        catch (ServiceUnavailableException ex) when (!context.Response.HasStarted)
        {
            // Nothing was done for the request (e.g. the ledger's queue is full or its batch failed to commit).
            context.Response.Clear();
            context.Response.Headers[RequestIdMiddleware.Header] = context.TraceIdentifier;
            context.Response.Headers.RetryAfter = ex.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var envelope = context.GetEndpoint()?.Metadata.GetMetadata<ApiEnvelope>();
            if (envelope is null)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            await envelope.Error(StatusCodes.Status503ServiceUnavailable, ex.Message).ExecuteAsync(context);
        }
    });
}
