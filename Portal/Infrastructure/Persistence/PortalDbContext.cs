using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Features.Accounts;
using Portal.Features.Admin;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Features.Links;
using Portal.Infrastructure.Idempotency;
using Portal.Features.MiniProgramCodes;
using Portal.Features.WeChat;

namespace Portal.Infrastructure.Persistence;

/// <summary>
/// The one context for Identity and every feature. Each database provider has its own subclass (below) so
/// that each keeps its own migration set; callers depend on this type only.
/// </summary>
public abstract class PortalDbContext(DbContextOptions options)
    : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    public DbSet<Charge> Charges => Set<Charge>();
    public DbSet<BalanceAlert> BalanceAlerts => Set<BalanceAlert>();
    public DbSet<ProductPrice> ProductPrices => Set<ProductPrice>();
    public DbSet<RedemptionCodeBatch> RedemptionCodeBatches => Set<RedemptionCodeBatch>();
    public DbSet<RedemptionCode> RedemptionCodes => Set<RedemptionCode>();
    public DbSet<Portal.Features.Payments.TopUpOrder> TopUpOrders => Set<Portal.Features.Payments.TopUpOrder>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ApiTokenDailySpend> ApiTokenDailySpends => Set<ApiTokenDailySpend>();
    public DbSet<ShortLink> ShortLinks => Set<ShortLink>();
    public DbSet<MiniProgramLink> MiniProgramLinks => Set<MiniProgramLink>();
    public DbSet<ShortLinkVisitStat> ShortLinkVisitStats => Set<ShortLinkVisitStat>();
    public DbSet<MiniProgramCodeImage> MiniProgramCodeImages => Set<MiniProgramCodeImage>();
    public DbSet<MiniProgramApp> MiniProgramApps => Set<MiniProgramApp>();
    public DbSet<WeChatTokenState> WeChatAccessTokens => Set<WeChatTokenState>();
    public DbSet<WeChatSession> WeChatSessions => Set<WeChatSession>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<AdminAuditEntry> AdminAuditEntries => Set<AdminAuditEntry>();

    /// <summary>ASP.NET Core Data Protection key ring, shared by every instance.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfiguration(new AccountConfiguration());
        builder.ApplyConfiguration(new LedgerEntryConfiguration());
        builder.ApplyConfiguration(new ChargeConfiguration());
        builder.ApplyConfiguration(new ProductPriceConfiguration());
        builder.ApplyConfiguration(new RedemptionCodeBatchConfiguration());
        builder.ApplyConfiguration(new RedemptionCodeConfiguration());
        builder.ApplyConfiguration(new ApiTokenConfiguration());
        builder.ApplyConfiguration(new ApiTokenDailySpendConfiguration());
        builder.ApplyConfiguration(new ShortLinkConfiguration());
        builder.ApplyConfiguration(new ShortLinkVisitStatConfiguration());
        builder.ApplyConfiguration(new MiniProgramLinkConfiguration());
        builder.ApplyConfiguration(new IdempotencyRecordConfiguration());
        builder.ApplyConfiguration(new MiniProgramCodeImageConfiguration());
        builder.ApplyConfiguration(new MiniProgramAppConfiguration());
        builder.ApplyConfiguration(new WeChatTokenStateConfiguration());
        builder.ApplyConfiguration(new WeChatSessionConfiguration());
        builder.ApplyConfiguration(new AdminAuditEntryConfiguration());
        builder.ApplyConfiguration(new Portal.Features.Payments.TopUpOrderConfiguration());
        builder.ApplyConfiguration(new BalanceAlertConfiguration());
    }
}

/// <summary>SQLite (the embedded default). Migrations in <c>Migrations/Sqlite</c>.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset stored as TEXT; store UTC ticks as INTEGER instead.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>SQL Server. Migrations in <c>Migrations/SqlServer</c>.</summary>
public sealed class SqlServerPortalDbContext(DbContextOptions<SqlServerPortalDbContext> options) : PortalDbContext(options);

/// <summary>PostgreSQL (Npgsql). Migrations in <c>Migrations/PostgreSql</c>.</summary>
public sealed class PostgreSqlPortalDbContext(DbContextOptions<PostgreSqlPortalDbContext> options) : PortalDbContext(options);
