using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.Links;

internal sealed class ShortLinkConfiguration : IEntityTypeConfiguration<ShortLink>
{
    public void Configure(EntityTypeBuilder<ShortLink> b)
    {
        b.ToTable("ShortLinks");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Code).HasMaxLength(ShortLinkSlug.MaxLength);
        b.Property(x => x.UserId).HasMaxLength(450);
        b.Property(x => x.LongUrl).HasMaxLength(ShortLinkTarget.MaxLength);
        b.Property(x => x.DisabledByUserId).HasMaxLength(450);
        b.Property(x => x.Title).HasMaxLength(ShortLinkDetails.MaxTitleLength);
        b.Property(x => x.Tags).HasMaxLength(ShortLinkTags.MaxStoredLength);
        b.HasIndex(x => x.Code).IsUnique();
        b.HasIndex(x => new { x.UserId, x.CreatedAt });
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ShortLinkVisitStatConfiguration : IEntityTypeConfiguration<ShortLinkVisitStat>
{
    public void Configure(EntityTypeBuilder<ShortLinkVisitStat> b)
    {
        b.ToTable("ShortLinkVisitStats");
        b.HasKey(x => new { x.Code, x.Day, x.ReferrerHost, x.Device });
        b.Property(x => x.Code).HasMaxLength(ShortLinkSlug.MaxLength);
        b.Property(x => x.ReferrerHost).HasMaxLength(ShortLinkVisitDetail.MaxHostLength);
        b.Property(x => x.Device).HasConversion<string>().HasMaxLength(16);
    }
}

internal sealed class MiniProgramLinkConfiguration : IEntityTypeConfiguration<MiniProgramLink>
{
    public void Configure(EntityTypeBuilder<MiniProgramLink> b)
    {
        b.ToTable("MiniProgramLinks");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Code).HasMaxLength(32);
        b.Property(x => x.UserId).HasMaxLength(450);
        b.Property(x => x.AppId).HasMaxLength(32);
        b.Property(x => x.PagePath).HasMaxLength(MiniProgramPage.MaxLength);
        b.HasIndex(x => x.Code).IsUnique();
        b.HasIndex(x => new { x.UserId, x.CreatedAt });
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
