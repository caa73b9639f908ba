namespace Portal.Infrastructure.Api;

/// <summary>
/// A dependency the request needs is overloaded or down, and the request did nothing. API routes answer it with 503,
/// <c>Retry-After</c> and <see cref="Exception.Message"/> in the route's own envelope (see <see cref="BadRequestEnvelopeMiddleware"/>).
/// </summary>
/// <param name="message">Message for the caller (Chinese, as in the seeds; no internals).</param>
/// <param name="inner">The cause, for the log.</param>
public abstract class ServiceUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Seconds the client should wait before retrying.</summary>
    public virtual int RetryAfterSeconds => 1;
}
