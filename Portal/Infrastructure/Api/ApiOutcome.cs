using System.Text.Json.Serialization;

namespace Portal.Infrastructure.Api;

/// <summary>What happened to a billed API call, as every envelope maps it to an HTTP status (<see cref="ApiEnvelope.StatusOf"/>).</summary>
public enum ApiOutcomeKind
{
    /// <summary>Work done; the debit stands (200).</summary>
    Succeeded,
    /// <summary>Input invalid: rejected before the debit, or refunded (400).</summary>
    InvalidInput,
    /// <summary>The object does not exist (or belongs to someone else) (404).</summary>
    NotFound,
    /// <summary>Balance below the price, or the token's daily cap reached; nothing was debited (402).</summary>
    InsufficientFunds,
    /// <summary>WeChat answered with an errcode; refunded (502).</summary>
    UpstreamError,
    /// <summary>Timeout, network or internal error; refunded (500).</summary>
    InternalError,
}

/// <summary>
/// A billed call's outcome as the envelopes read it. The Billing feature's result implements it, so that the shared
/// envelopes map every route's outcome the same way without knowing the ledger.
/// </summary>
/// <typeparam name="T">The work's value on success.</typeparam>
public interface IApiOutcome<out T>
{
    /// <summary>What happened.</summary>
    ApiOutcomeKind Kind { get; }

    /// <summary>The work's value on success (default otherwise).</summary>
    T? Value { get; }

    /// <summary>Balance in fen: after the debit (success), unchanged (refused) or after the refund (failure).</summary>
    long BalanceFen { get; }

    /// <summary>Message for the caller on failure (Chinese, no secrets), or null for the family's default.</summary>
    string? Message { get; }

    /// <summary>Failure detail: an <see cref="IErrCodeDetail"/> (WeChat's errcode) or null.</summary>
    object? Detail { get; }
}

/// <summary>A failure detail that names a WeChat-style errcode (family C reports it as <c>code</c>).</summary>
public interface IErrCodeDetail
{
    /// <summary>The errcode.</summary>
    int ErrCode { get; }
}

/// <summary>WeChat's errcode and errmsg, carried in a family A 502's <c>detail</c> (seed 000).</summary>
public sealed record UpstreamErrorDetail(
    [property: JsonPropertyName("errcode")] int ErrCode,
    [property: JsonPropertyName("errmsg")] string ErrMsg) : IErrCodeDetail;
