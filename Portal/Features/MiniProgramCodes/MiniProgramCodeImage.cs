using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.MiniProgramCodes;

/// <summary>
/// A generated mini-program code image, stored so it can be served at <c>{PublicBaseUrl}/codes/{PublicId}</c> and
/// reused as the result cache for an identical request (seed 000: a cache hit is still billed).
/// </summary>
public sealed class MiniProgramCodeImage
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>Owner (the paying user).</summary>
    public required string UserId { get; init; }

    /// <summary>The mini-program's AppID the code opens.</summary>
    public required string AppId { get; init; }

    /// <summary>Interface used.</summary>
    public CodeKind Kind { get; init; }

    /// <summary>SHA-256 hex (64 lower-case chars) of the normalised request including the AppID (<see cref="CodeRequestRules.Hash"/>).</summary>
    public required string RequestHash { get; init; }

    /// <summary>Unguessable public id: 22 base62 characters (≈ 131 random bits).</summary>
    public required string PublicId { get; init; }

    /// <summary>The image as WeChat returned it (JPEG, or PNG when transparent).</summary>
    public required byte[] Bytes { get; init; }

    /// <summary><c>image/jpeg</c> or <c>image/png</c>.</summary>
    public required string ContentType { get; init; }

    /// <summary>Length of <see cref="Bytes"/> in bytes.</summary>
    public int Size { get; init; }

    /// <summary>Scene (unlimited codes), else null.</summary>
    public string? Scene { get; init; }

    /// <summary>Page (unlimited; empty for the home page) or path with query (getwxacode, createwxaqrcode).</summary>
    public required string Page { get; init; }

    /// <summary>Width in pixels (280–1280).</summary>
    public int Width { get; init; }

    /// <summary>Created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>End of retention (UTC); after it the image is no longer served and is purged.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}

internal sealed class MiniProgramCodeImageConfiguration : IEntityTypeConfiguration<MiniProgramCodeImage>
{
    public void Configure(EntityTypeBuilder<MiniProgramCodeImage> b)
    {
        b.ToTable("MiniProgramCodeImages", t => t.HasCheckConstraint("CK_MiniProgramCodeImages_Size", "\"Size\" >= 0"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.UserId).HasMaxLength(450);
        b.Property(x => x.AppId).HasMaxLength(32);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(24);
        b.Property(x => x.RequestHash).HasMaxLength(64).IsFixedLength();
        b.Property(x => x.PublicId).HasMaxLength(32);
        b.Property(x => x.ContentType).HasMaxLength(32);
        b.Property(x => x.Scene).HasMaxLength(CodeRequestRules.MaxSceneLength);
        b.Property(x => x.Page).HasMaxLength(CodeRequestRules.MaxWxaCodePathLength);
        b.HasIndex(x => x.PublicId).IsUnique();
        b.HasIndex(x => new { x.UserId, x.RequestHash, x.CreatedAt });
        b.HasIndex(x => new { x.UserId, x.CreatedAt });
        b.HasIndex(x => x.ExpiresAt);
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
