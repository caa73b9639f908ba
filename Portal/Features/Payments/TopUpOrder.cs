using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Billing;

namespace Portal.Features.Payments;

/// <summary>Where a top-up order stands; stored as its name.</summary>
public enum TopUpOrderStatus
{
    /// <summary>Created and offered to the payer; not paid (yet).</summary>
    Pending,
    /// <summary>Paid and credited: exactly one <see cref="LedgerEntryKind.TopUp"/> entry names it. Final.</summary>
    Paid,
    /// <summary>Expired or closed unpaid at the provider; never credited. A payment that still arrives is credited.</summary>
    Closed,
    /// <summary>The provider reported a payment that does not match the order (amount or currency): not credited, for an admin to look at. Final.</summary>
    Flagged,
}

/// <summary>
/// One attempt of a user to top up through a payment provider (docs/money.md, "Top-up orders"). The only transition that
/// moves money is Pending (or Closed) → Paid, a guarded <c>UPDATE … WHERE Status IN (…)</c> committed with the credit
/// and its ledger entry in one transaction by <see cref="BillingLedger.CreditTopUpAsync"/>.
/// </summary>
public sealed class TopUpOrder
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>Who tops up.</summary>
    public required string UserId { get; init; }

    /// <summary>Provider name, e.g. <c>WeChatPay</c> (≤ 20 chars).</summary>
    public required string Provider { get; init; }

    /// <summary>The merchant order number sent to the provider (<c>out_trade_no</c>: 32 lower-case hex characters, unique).</summary>
    public required string OutTradeNo { get; init; }

    /// <summary>The amount to pay and to credit, in fen (&gt; 0).</summary>
    public long AmountFen { get; init; }

    /// <summary>Currency (ISO 4217, always <c>CNY</c> for now).</summary>
    public string Currency { get; init; } = "CNY";

    /// <summary>Where the order stands.</summary>
    public TopUpOrderStatus Status { get; set; }

    /// <summary>What the payer scans (WeChat Pay Native <c>code_url</c>, <c>weixin://wxpay/…</c>), once the provider created it.</summary>
    public string? CodeUrl { get; set; }

    /// <summary>The provider's transaction id (WeChat <c>transaction_id</c>) once paid or flagged.</summary>
    public string? TransactionId { get; set; }

    /// <summary>Why the order was flagged or closed (≤ 500 chars, no secrets).</summary>
    public string? Note { get; set; }

    /// <summary>When it was created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>After this instant the order is no longer payable (sent to the provider as <c>time_expire</c>).</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When it became Paid, Closed or Flagged.</summary>
    public DateTimeOffset? CompletedAt { get; set; }
}

internal sealed class TopUpOrderConfiguration : IEntityTypeConfiguration<TopUpOrder>
{
    public void Configure(EntityTypeBuilder<TopUpOrder> b)
    {
        b.ToTable("TopUpOrders", t => t.HasCheckConstraint("CK_TopUpOrders_AmountFen_Positive", "\"AmountFen\" > 0"));
        b.HasKey(o => o.Id);
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.UserId).HasMaxLength(450);
        b.Property(o => o.Provider).HasMaxLength(20);
        b.Property(o => o.OutTradeNo).HasMaxLength(32);
        b.Property(o => o.Currency).HasMaxLength(3);
        b.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(o => o.CodeUrl).HasMaxLength(256);
        b.Property(o => o.TransactionId).HasMaxLength(64);
        b.Property(o => o.Note).HasMaxLength(500);
        b.HasIndex(o => o.OutTradeNo).IsUnique();
        b.HasIndex(o => new { o.UserId, o.CreatedAt });
        // The reconciling job's look-up of orders still Pending.
        b.HasIndex(o => new { o.Status, o.CreatedAt }).HasFilter("\"Status\" = 'Pending'");
        b.HasOne<Account>().WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
