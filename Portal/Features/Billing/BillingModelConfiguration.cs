using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.Billing;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.ToTable("Accounts", t =>
        {
            t.HasCheckConstraint("CK_Accounts_BalanceFen_NonNegative", "\"BalanceFen\" >= 0");
            t.HasCheckConstraint("CK_Accounts_TestBalanceFen_NonNegative", "\"TestBalanceFen\" >= 0");
        });
        b.HasKey(a => a.UserId);
        b.Property(a => a.UserId).HasMaxLength(450);
        b.HasOne<ApplicationUser>().WithOne().HasForeignKey<Account>(a => a.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> b)
    {
        b.ToTable("LedgerEntries");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.UserId).HasMaxLength(450);
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(e => e.AdminUserId).HasMaxLength(450);
        b.Property(e => e.Description).HasMaxLength(500);
        b.Property(e => e.RequestId).HasMaxLength(64);
        // A user's entries, except Charge entries: every billed call writes one, and its charge row's per-user index
        // already finds it (LedgerQueries joins the two), so leaving them out saves a randomly placed index page per call.
        b.HasIndex(e => new { e.UserId, e.CreatedAt }).HasFilter("\"Kind\" <> 'Charge'");
        // I4 backstop: a debit can be reversed by at most one refund entry. Only refund entries have the column, so the
        // index holds only them (every billed call writes a ledger row: each index on this table is a page per batch).
        b.HasIndex(e => e.RefundOfEntryId).IsUnique().HasFilter("\"RefundOfEntryId\" IS NOT NULL");
        // Exactly-once backstop for top-ups: an order is credited by at most one entry.
        b.HasIndex(e => e.TopUpOrderId).IsUnique().HasFilter("\"TopUpOrderId\" IS NOT NULL");
        b.HasOne<Account>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BalanceAlertConfiguration : IEntityTypeConfiguration<BalanceAlert>
{
    public void Configure(EntityTypeBuilder<BalanceAlert> b)
    {
        b.ToTable("BalanceAlerts");
        b.HasKey(x => x.UserId);
        b.Property(x => x.UserId).HasMaxLength(450);
        b.HasOne<Account>().WithOne().HasForeignKey<BalanceAlert>(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChargeConfiguration : IEntityTypeConfiguration<Charge>
{
    public void Configure(EntityTypeBuilder<Charge> b)
    {
        b.ToTable("Charges");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.UserId).HasMaxLength(450);
        b.Property(c => c.Product).HasMaxLength(64);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.RequestId).HasMaxLength(64);
        b.Property(c => c.FailureReason).HasMaxLength(500);
        b.HasIndex(c => c.RequestId).IsUnique();
        // The reconciler's look-up of stale Pending charges; most charges are settled at once and never enter it.
        b.HasIndex(c => new { c.Status, c.CreatedAt }).HasFilter("\"Status\" = 'Pending'");
        b.HasIndex(c => new { c.UserId, c.CreatedAt });
        b.HasOne<Account>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ProductPriceConfiguration : IEntityTypeConfiguration<ProductPrice>
{
    public void Configure(EntityTypeBuilder<ProductPrice> b)
    {
        b.ToTable("ProductPrices", t => t.HasCheckConstraint("CK_ProductPrices_PriceFen_NonNegative", "\"PriceFen\" >= 0"));
        b.HasKey(p => p.Product);
        b.Property(p => p.Product).HasMaxLength(64);
    }
}

internal sealed class RedemptionCodeBatchConfiguration : IEntityTypeConfiguration<RedemptionCodeBatch>
{
    public void Configure(EntityTypeBuilder<RedemptionCodeBatch> b)
    {
        b.ToTable("RedemptionCodeBatches");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.CreatedByUserId).HasMaxLength(450);
        b.Property(x => x.VoidedByUserId).HasMaxLength(450);
        b.HasIndex(x => x.CreatedAt);
    }
}

internal sealed class RedemptionCodeConfiguration : IEntityTypeConfiguration<RedemptionCode>
{
    public void Configure(EntityTypeBuilder<RedemptionCode> b)
    {
        b.ToTable("RedemptionCodes");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.CodeHash).HasMaxLength(64);
        b.Property(x => x.Hint).HasMaxLength(4);
        b.Property(x => x.LegacyCode).HasColumnName("Code").HasMaxLength(32);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.RedeemedByUserId).HasMaxLength(450);
        b.HasIndex(x => x.CodeHash).IsUnique().HasFilter("\"CodeHash\" IS NOT NULL");
        b.HasIndex(x => x.BatchId);
        b.HasOne<RedemptionCodeBatch>().WithMany().HasForeignKey(x => x.BatchId).OnDelete(DeleteBehavior.Cascade);
    }
}
