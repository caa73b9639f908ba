using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.ApiTokens;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.ToTable("ApiTokens");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).ValueGeneratedNever();
        b.Property(t => t.UserId).HasMaxLength(450);
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Prefix).HasMaxLength(16);
        b.Property(t => t.Last4).HasMaxLength(4);
        b.Property(t => t.Hash).HasMaxLength(64);
        b.Property(t => t.LastUsedIp).HasMaxLength(64);
        b.Property(t => t.AllowedIps).HasMaxLength(ApiTokenIpAllowList.MaxLength);
        b.Property(t => t.AllowedOrigins).HasMaxLength(ApiTokenOriginAllowList.MaxLength);
        b.HasIndex(t => t.Hash).IsUnique();
        b.HasIndex(t => t.UserId);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApiTokenDailySpendConfiguration : IEntityTypeConfiguration<ApiTokenDailySpend>
{
    public void Configure(EntityTypeBuilder<ApiTokenDailySpend> b)
    {
        b.ToTable("ApiTokenDailySpends", t => t.HasCheckConstraint("CK_ApiTokenDailySpends_SpentFen_NonNegative", "\"SpentFen\" >= 0"));
        b.HasKey(x => new { x.ApiTokenId, x.Day });
        b.HasOne<ApiToken>().WithMany().HasForeignKey(x => x.ApiTokenId).OnDelete(DeleteBehavior.Cascade);
    }
}
