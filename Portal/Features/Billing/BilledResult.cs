using Portal.Infrastructure.Api;

namespace Portal.Features.Billing;

/// <summary>Outcome of a billed call as an endpoint or page reports it.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Value">The work's value on success.</param>
/// <param name="BalanceFen">Balance in fen: after the debit (success), unchanged (rejected, 402) or after the refund (failure).</param>
/// <param name="Message">A message for the caller on failure (Chinese, no secrets).</param>
/// <param name="Detail">Extra failure detail, e.g. WeChat's <c>{errcode, errmsg}</c>.</param>
/// <param name="ChargeId">The charge, when one was created.</param>
public sealed record BilledResult<T>(BilledStatus Status, T? Value, long BalanceFen, string? Message = null, object? Detail = null, Guid? ChargeId = null)
    : IApiOutcome<T>
{
    /// <summary>True on success.</summary>
    public bool Succeeded => Status == BilledStatus.Succeeded;

    /// <inheritdoc />
    public ApiOutcomeKind Kind => Status switch
    {
        BilledStatus.Succeeded => ApiOutcomeKind.Succeeded,
        BilledStatus.InvalidInput => ApiOutcomeKind.InvalidInput,
        BilledStatus.NotFound => ApiOutcomeKind.NotFound,
        BilledStatus.InsufficientFunds => ApiOutcomeKind.InsufficientFunds,
        BilledStatus.UpstreamError => ApiOutcomeKind.UpstreamError,
        _ => ApiOutcomeKind.InternalError,
    };
}
