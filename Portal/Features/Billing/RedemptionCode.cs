namespace Portal.Features.Billing;

/// <summary>Whether a redemption code can still be claimed.</summary>
public enum RedemptionCodeStatus
{
    /// <summary>Not yet claimed.</summary>
    Available,
    /// <summary>Claimed by a user (once, by a guarded status change).</summary>
    Redeemed,
    /// <summary>Made unusable by an admin voiding its batch before anyone claimed it.</summary>
    Voided,
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

    /// <summary>When an admin voided the batch's unclaimed codes (UTC), or null.</summary>
    public DateTimeOffset? VoidedAt { get; init; }

    /// <summary>The admin who voided it.</summary>
    public string? VoidedByUserId { get; init; }
}

/// <summary>One prepaid code worth <see cref="AmountFen"/>.</summary>
public sealed class RedemptionCode
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>
    /// Lower-case hex SHA-256 of the code people type (e.g. <c>PTL-7KQ2-M9XA-3RDW</c>, see <see cref="RedemptionCodes.Hash"/>);
    /// unique. The code itself is shown and exported once, when the batch is created, and never stored.
    /// </summary>
    public string? CodeHash { get; init; }

    /// <summary>The code's last four characters, for support (<c>PTL-****-****-3RDW</c>).</summary>
    public required string Hint { get; init; }

    /// <summary>
    /// The plaintext code of a row created before codes were stored hashed (column <c>Code</c>), else empty; start-up
    /// hashes such rows and empties it (<see cref="RedemptionCodeService.HashLegacyCodesAsync"/>). Kept a non-null
    /// column so that no migration has to rebuild the table.
    /// </summary>
    public string LegacyCode { get; init; } = "";

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
