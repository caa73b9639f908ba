namespace Portal.Features.Billing;

/// <summary>Whether a redemption code can still be claimed.</summary>
public enum RedemptionCodeStatus
{
    /// <summary>Not yet claimed.</summary>
    Available,
    /// <summary>Claimed by a user (once, by a guarded status change).</summary>
    Redeemed,
}

/// <summary>A batch of redemption codes created together by an admin.</summary>
public sealed class RedemptionCodeBatch
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>Credit per code, in fen (&gt; 0).</summary>
    public long AmountFen { get; init; }

    /// <summary>How many codes were created.</summary>
    public int Count { get; init; }

    /// <summary>Optional expiry (UTC); codes cannot be redeemed after it.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The admin who created the batch.</summary>
    public required string CreatedByUserId { get; init; }

    /// <summary>Created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One prepaid code worth <see cref="AmountFen"/>.</summary>
public sealed class RedemptionCode
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>The secret code people type, e.g. <c>PTL-7KQ2-M9XA-3RDW</c> (unique).</summary>
    public required string Code { get; init; }

    /// <summary>The batch it belongs to.</summary>
    public Guid BatchId { get; init; }

    /// <summary>Credit in fen.</summary>
    public long AmountFen { get; init; }

    /// <summary>Copied from the batch for a single-row guard.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Status.</summary>
    public RedemptionCodeStatus Status { get; init; }

    /// <summary>Who redeemed it.</summary>
    public string? RedeemedByUserId { get; init; }

    /// <summary>When it was redeemed (UTC).</summary>
    public DateTimeOffset? RedeemedAt { get; init; }

    /// <summary>Created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
