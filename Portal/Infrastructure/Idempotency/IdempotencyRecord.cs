using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Infrastructure.Idempotency;

/// <summary>State of an idempotency key.</summary>
public enum IdempotencyStatus
{
    /// <summary>The first request with this key is running.</summary>
    InProgress,
    /// <summary>Finished; the stored response is replayed for repeats.</summary>
    Completed,
}

/// <summary>
/// One <c>Idempotency-Key</c> of one API token (Stripe semantics): the request's fingerprint and, once finished, the
/// response to replay. Unique per (token, key).
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>The API token the key belongs to.</summary>
    public Guid ApiTokenId { get; init; }

    /// <summary>The client's key (1–255 printable ASCII characters).</summary>
    public required string Key { get; init; }

    /// <summary>Lower-case hex SHA-256 of method, path, query and body.</summary>
    public required string RequestHash { get; init; }

    /// <summary>Status.</summary>
    public IdempotencyStatus Status { get; init; }

    /// <summary>Stored HTTP status.</summary>
    public int? ResponseStatus { get; init; }

    /// <summary>Stored Content-Type.</summary>
    public string? ResponseContentType { get; init; }

    /// <summary>Stored Content-Disposition (image routes).</summary>
    public string? ResponseContentDisposition { get; init; }

    /// <summary>Stored Cache-Control (image routes).</summary>
    public string? ResponseCacheControl { get; init; }

    /// <summary>Stored body bytes.</summary>
    public byte[]? ResponseBody { get; init; }

    /// <summary>When the first request started (UTC); refreshed when an abandoned key is taken over.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>After this (UTC) the key is forgotten (≥ 24 h after creation).</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("IdempotencyRecords");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Key).HasMaxLength(IdempotencyMiddleware.MaxKeyLength);
        b.Property(x => x.RequestHash).HasMaxLength(64);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.ResponseContentType).HasMaxLength(200);
        b.Property(x => x.ResponseContentDisposition).HasMaxLength(300);
        b.Property(x => x.ResponseCacheControl).HasMaxLength(200);
        b.HasIndex(x => new { x.ApiTokenId, x.Key }).IsUnique();
        b.HasIndex(x => x.ExpiresAt);
    }
}
