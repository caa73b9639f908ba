using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.WeChat;

internal sealed class MiniProgramAppConfiguration : IEntityTypeConfiguration<MiniProgramApp>
{
    public void Configure(EntityTypeBuilder<MiniProgramApp> b)
    {
        b.ToTable("MiniProgramApps");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.UserId).HasMaxLength(450);
        b.Property(x => x.AppId).HasMaxLength(32);
        b.Property(x => x.Name).HasMaxLength(MiniProgramAppService.MaxNameLength);
        b.Property(x => x.ProtectedSecret).HasMaxLength(1024);
        b.Property(x => x.SecretLast4).HasMaxLength(4);
        b.HasIndex(x => new { x.UserId, x.AppId }).IsUnique();
        b.HasIndex(x => x.AppId);
        b.Ignore(x => x.IsSandbox);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WeChatTokenStateConfiguration : IEntityTypeConfiguration<WeChatTokenState>
{
    public void Configure(EntityTypeBuilder<WeChatTokenState> b)
    {
        b.ToTable("WeChatAccessTokens");
        b.HasKey(x => x.AppRowId);
        b.Property(x => x.AppRowId).ValueGeneratedNever();
        b.Property(x => x.ProtectedToken).HasMaxLength(4096);
        b.Property(x => x.TokenHash).HasMaxLength(64);
        b.Property(x => x.LeaseOwner).HasMaxLength(64);
        b.ToTable(t => t.HasCheckConstraint("CK_WeChatAccessTokens_ForcedCount", "\"ForcedCount\" >= 0"));
        b.HasOne<MiniProgramApp>().WithOne().HasForeignKey<WeChatTokenState>(x => x.AppRowId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WeChatSessionConfiguration : IEntityTypeConfiguration<WeChatSession>
{
    public void Configure(EntityTypeBuilder<WeChatSession> b)
    {
        b.ToTable("WeChatSessions");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.TokenHash).HasMaxLength(64);
        b.Property(x => x.OpenId).HasMaxLength(128);
        b.Property(x => x.UnionId).HasMaxLength(128);
        b.Property(x => x.ProtectedSessionKey).HasMaxLength(1024);
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasIndex(x => x.ExpiresAt);
        b.HasIndex(x => new { x.AppRowId, x.OpenId });
        b.HasOne<MiniProgramApp>().WithMany().HasForeignKey(x => x.AppRowId).OnDelete(DeleteBehavior.Cascade);
    }
}
