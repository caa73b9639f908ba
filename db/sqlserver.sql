IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [AspNetRoles] (
        [Id] nvarchar(450) NOT NULL,
        [Name] nvarchar(256) NULL,
        [NormalizedName] nvarchar(256) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoles] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [AspNetUsers] (
        [Id] nvarchar(450) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UserName] nvarchar(256) NULL,
        [NormalizedUserName] nvarchar(256) NULL,
        [Email] nvarchar(256) NULL,
        [NormalizedEmail] nvarchar(256) NULL,
        [EmailConfirmed] bit NOT NULL,
        [PasswordHash] nvarchar(max) NULL,
        [SecurityStamp] nvarchar(max) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        [PhoneNumber] nvarchar(256) NULL,
        [PhoneNumberConfirmed] bit NOT NULL,
        [TwoFactorEnabled] bit NOT NULL,
        [LockoutEnd] datetimeoffset NULL,
        [LockoutEnabled] bit NOT NULL,
        [AccessFailedCount] int NOT NULL,
        CONSTRAINT [PK_AspNetUsers] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [DataProtectionKeys] (
        [Id] int NOT NULL IDENTITY,
        [FriendlyName] nvarchar(max) NULL,
        [Xml] nvarchar(max) NULL,
        CONSTRAINT [PK_DataProtectionKeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [IdempotencyRecords] (
        [Id] uniqueidentifier NOT NULL,
        [ApiTokenId] uniqueidentifier NOT NULL,
        [Key] nvarchar(255) NOT NULL,
        [RequestHash] nvarchar(64) NOT NULL,
        [Status] nvarchar(20) NOT NULL,
        [ResponseStatus] int NULL,
        [ResponseContentType] nvarchar(200) NULL,
        [ResponseContentDisposition] nvarchar(300) NULL,
        [ResponseCacheControl] nvarchar(200) NULL,
        [ResponseBody] varbinary(max) NULL,
        [StartedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_IdempotencyRecords] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [ProductPrices] (
        [Product] nvarchar(64) NOT NULL,
        [PriceFen] bigint NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_ProductPrices] PRIMARY KEY ([Product]),
        CONSTRAINT [CK_ProductPrices_PriceFen_NonNegative] CHECK ("PriceFen" >= 0)
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [RedemptionCodeBatches] (
        [Id] uniqueidentifier NOT NULL,
        [AmountFen] bigint NOT NULL,
        [Count] int NOT NULL,
        [ExpiresAt] datetimeoffset NULL,
        [CreatedByUserId] nvarchar(450) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_RedemptionCodeBatches] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [AspNetRoleClaims] (
        [Id] int NOT NULL IDENTITY,
        [RoleId] nvarchar(450) NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoleClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetRoleClaims_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [Accounts] (
        [UserId] nvarchar(450) NOT NULL,
        [BalanceFen] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_Accounts] PRIMARY KEY ([UserId]),
        CONSTRAINT [CK_Accounts_BalanceFen_NonNegative] CHECK ("BalanceFen" >= 0),
        CONSTRAINT [FK_Accounts_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [ApiTokens] (
        [Id] uniqueidentifier NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [Name] nvarchar(100) NOT NULL,
        [Prefix] nvarchar(16) NOT NULL,
        [Last4] nvarchar(4) NOT NULL,
        [Hash] nvarchar(64) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NULL,
        [DailySpendCapFen] bigint NULL,
        [AllowedIps] nvarchar(1000) NULL,
        [LastUsedAt] datetimeoffset NULL,
        [LastUsedIp] nvarchar(64) NULL,
        [RevokedAt] datetimeoffset NULL,
        CONSTRAINT [PK_ApiTokens] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_ApiTokens_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserClaims] (
        [Id] int NOT NULL IDENTITY,
        [UserId] nvarchar(450) NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetUserClaims_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserLogins] (
        [LoginProvider] nvarchar(128) NOT NULL,
        [ProviderKey] nvarchar(128) NOT NULL,
        [ProviderDisplayName] nvarchar(max) NULL,
        [UserId] nvarchar(450) NOT NULL,
        CONSTRAINT [PK_AspNetUserLogins] PRIMARY KEY ([LoginProvider], [ProviderKey]),
        CONSTRAINT [FK_AspNetUserLogins_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserPasskeys] (
        [CredentialId] varbinary(1024) NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [Data] nvarchar(max) NOT NULL,
        CONSTRAINT [PK_AspNetUserPasskeys] PRIMARY KEY ([CredentialId]),
        CONSTRAINT [FK_AspNetUserPasskeys_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserRoles] (
        [UserId] nvarchar(450) NOT NULL,
        [RoleId] nvarchar(450) NOT NULL,
        CONSTRAINT [PK_AspNetUserRoles] PRIMARY KEY ([UserId], [RoleId]),
        CONSTRAINT [FK_AspNetUserRoles_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_AspNetUserRoles_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserTokens] (
        [UserId] nvarchar(450) NOT NULL,
        [LoginProvider] nvarchar(128) NOT NULL,
        [Name] nvarchar(128) NOT NULL,
        [Value] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserTokens] PRIMARY KEY ([UserId], [LoginProvider], [Name]),
        CONSTRAINT [FK_AspNetUserTokens_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [MiniProgramApps] (
        [Id] uniqueidentifier NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [AppId] nvarchar(32) NOT NULL,
        [Name] nvarchar(100) NOT NULL,
        [ProtectedSecret] nvarchar(1024) NOT NULL,
        [SecretLast4] nvarchar(4) NOT NULL,
        [IsDefault] bit NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [LastTestedAt] datetimeoffset NULL,
        [LastTestOk] bit NULL,
        CONSTRAINT [PK_MiniProgramApps] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_MiniProgramApps_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [MiniProgramCodeImages] (
        [Id] uniqueidentifier NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [AppId] nvarchar(32) NOT NULL,
        [Kind] nvarchar(24) NOT NULL,
        [RequestHash] nchar(64) NOT NULL,
        [PublicId] nvarchar(32) NOT NULL,
        [Bytes] varbinary(max) NOT NULL,
        [ContentType] nvarchar(32) NOT NULL,
        [Size] int NOT NULL,
        [Scene] nvarchar(32) NULL,
        [Page] nvarchar(1024) NOT NULL,
        [Width] int NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_MiniProgramCodeImages] PRIMARY KEY ([Id]),
        CONSTRAINT [CK_MiniProgramCodeImages_Size] CHECK ("Size" >= 0),
        CONSTRAINT [FK_MiniProgramCodeImages_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [MiniProgramLinks] (
        [Id] uniqueidentifier NOT NULL,
        [Code] nvarchar(32) NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [AppId] nvarchar(32) NOT NULL,
        [PagePath] nvarchar(1024) NOT NULL,
        [VisitCount] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_MiniProgramLinks] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_MiniProgramLinks_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [ShortLinks] (
        [Id] uniqueidentifier NOT NULL,
        [Code] nvarchar(16) NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [LongUrl] nvarchar(2048) NOT NULL,
        [VisitCount] bigint NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [LastVisitedAt] datetimeoffset NULL,
        [DisabledAt] datetimeoffset NULL,
        [DisabledByUserId] nvarchar(450) NULL,
        CONSTRAINT [PK_ShortLinks] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_ShortLinks_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [RedemptionCodes] (
        [Id] uniqueidentifier NOT NULL,
        [Code] nvarchar(32) NOT NULL,
        [BatchId] uniqueidentifier NOT NULL,
        [AmountFen] bigint NOT NULL,
        [ExpiresAt] datetimeoffset NULL,
        [Status] nvarchar(20) NOT NULL,
        [RedeemedByUserId] nvarchar(450) NULL,
        [RedeemedAt] datetimeoffset NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_RedemptionCodes] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_RedemptionCodes_RedemptionCodeBatches_BatchId] FOREIGN KEY ([BatchId]) REFERENCES [RedemptionCodeBatches] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [Charges] (
        [Id] uniqueidentifier NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [Product] nvarchar(64) NOT NULL,
        [PriceFen] bigint NOT NULL,
        [Status] nvarchar(20) NOT NULL,
        [RequestId] nvarchar(64) NOT NULL,
        [ApiTokenId] uniqueidentifier NULL,
        [DebitEntryId] uniqueidentifier NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [SettledAt] datetimeoffset NULL,
        [FailureReason] nvarchar(500) NULL,
        CONSTRAINT [PK_Charges] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Charges_Accounts_UserId] FOREIGN KEY ([UserId]) REFERENCES [Accounts] ([UserId]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [LedgerEntries] (
        [Id] uniqueidentifier NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [AmountFen] bigint NOT NULL,
        [Kind] nvarchar(20) NOT NULL,
        [BalanceAfterFen] bigint NOT NULL,
        [ChargeId] uniqueidentifier NULL,
        [RefundOfEntryId] uniqueidentifier NULL,
        [RedemptionCodeId] uniqueidentifier NULL,
        [AdminUserId] nvarchar(450) NULL,
        [Description] nvarchar(500) NULL,
        [RequestId] nvarchar(64) NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_LedgerEntries] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_LedgerEntries_Accounts_UserId] FOREIGN KEY ([UserId]) REFERENCES [Accounts] ([UserId]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [ApiTokenDailySpends] (
        [ApiTokenId] uniqueidentifier NOT NULL,
        [Day] int NOT NULL,
        [SpentFen] bigint NOT NULL,
        CONSTRAINT [PK_ApiTokenDailySpends] PRIMARY KEY ([ApiTokenId], [Day]),
        CONSTRAINT [CK_ApiTokenDailySpends_SpentFen_NonNegative] CHECK ("SpentFen" >= 0),
        CONSTRAINT [FK_ApiTokenDailySpends_ApiTokens_ApiTokenId] FOREIGN KEY ([ApiTokenId]) REFERENCES [ApiTokens] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [WeChatAccessTokens] (
        [AppRowId] uniqueidentifier NOT NULL,
        [ProtectedToken] nvarchar(max) NULL,
        [TokenHash] nvarchar(64) NULL,
        [FetchedAt] datetimeoffset NULL,
        [ExpiresAt] datetimeoffset NULL,
        [LeaseOwner] nvarchar(64) NULL,
        [LeaseExpiresAt] datetimeoffset NULL,
        [LastForcedAt] datetimeoffset NULL,
        [ForcedDay] datetimeoffset NULL,
        [ForcedCount] int NOT NULL,
        CONSTRAINT [PK_WeChatAccessTokens] PRIMARY KEY ([AppRowId]),
        CONSTRAINT [CK_WeChatAccessTokens_ForcedCount] CHECK ("ForcedCount" >= 0),
        CONSTRAINT [FK_WeChatAccessTokens_MiniProgramApps_AppRowId] FOREIGN KEY ([AppRowId]) REFERENCES [MiniProgramApps] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE TABLE [WeChatSessions] (
        [Id] uniqueidentifier NOT NULL,
        [TokenHash] nvarchar(64) NOT NULL,
        [AppRowId] uniqueidentifier NOT NULL,
        [OpenId] nvarchar(128) NOT NULL,
        [UnionId] nvarchar(128) NULL,
        [ProtectedSessionKey] nvarchar(1024) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_WeChatSessions] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_WeChatSessions_MiniProgramApps_AppRowId] FOREIGN KEY ([AppRowId]) REFERENCES [MiniProgramApps] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_ApiTokens_Hash] ON [ApiTokens] ([Hash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_ApiTokens_UserId] ON [ApiTokens] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetRoleClaims_RoleId] ON [AspNetRoleClaims] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [RoleNameIndex] ON [AspNetRoles] ([NormalizedName]) WHERE [NormalizedName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserClaims_UserId] ON [AspNetUserClaims] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserLogins_UserId] ON [AspNetUserLogins] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserPasskeys_UserId] ON [AspNetUserPasskeys] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserRoles_RoleId] ON [AspNetUserRoles] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [EmailIndex] ON [AspNetUsers] ([NormalizedEmail]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [UserNameIndex] ON [AspNetUsers] ([NormalizedUserName]) WHERE [NormalizedUserName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Charges_RequestId] ON [Charges] ([RequestId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_Charges_Status_CreatedAt] ON [Charges] ([Status], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_Charges_UserId_CreatedAt] ON [Charges] ([UserId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_IdempotencyRecords_ApiTokenId_Key] ON [IdempotencyRecords] ([ApiTokenId], [Key]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_IdempotencyRecords_ExpiresAt] ON [IdempotencyRecords] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_LedgerEntries_ChargeId] ON [LedgerEntries] ([ChargeId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_LedgerEntries_RefundOfEntryId] ON [LedgerEntries] ([RefundOfEntryId]) WHERE [RefundOfEntryId] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_LedgerEntries_UserId_CreatedAt] ON [LedgerEntries] ([UserId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_MiniProgramApps_AppId] ON [MiniProgramApps] ([AppId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_MiniProgramApps_UserId_AppId] ON [MiniProgramApps] ([UserId], [AppId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_MiniProgramCodeImages_ExpiresAt] ON [MiniProgramCodeImages] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_MiniProgramCodeImages_PublicId] ON [MiniProgramCodeImages] ([PublicId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_MiniProgramCodeImages_UserId_CreatedAt] ON [MiniProgramCodeImages] ([UserId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_MiniProgramCodeImages_UserId_RequestHash_CreatedAt] ON [MiniProgramCodeImages] ([UserId], [RequestHash], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_MiniProgramLinks_Code] ON [MiniProgramLinks] ([Code]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_MiniProgramLinks_UserId_CreatedAt] ON [MiniProgramLinks] ([UserId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_RedemptionCodeBatches_CreatedAt] ON [RedemptionCodeBatches] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_RedemptionCodes_BatchId] ON [RedemptionCodes] ([BatchId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_RedemptionCodes_Code] ON [RedemptionCodes] ([Code]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_ShortLinks_Code] ON [ShortLinks] ([Code]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_ShortLinks_UserId_CreatedAt] ON [ShortLinks] ([UserId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_WeChatSessions_AppRowId_OpenId] ON [WeChatSessions] ([AppRowId], [OpenId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE INDEX [IX_WeChatSessions_ExpiresAt] ON [WeChatSessions] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_WeChatSessions_TokenHash] ON [WeChatSessions] ([TokenHash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261125202344_Initial'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261125202344_Initial', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204202607_UserSuspension'
)
BEGIN
    ALTER TABLE [AspNetUsers] ADD [SuspendedAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204202607_UserSuspension'
)
BEGIN
    UPDATE [AspNetUsers] SET [SuspendedAt] = SYSDATETIMEOFFSET(), [LockoutEnd] = NULL WHERE [LockoutEnd] > '9000-01-01T00:00:00+00:00';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204202607_UserSuspension'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261204202607_UserSuspension', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204210503_LedgerIndexes'
)
BEGIN
    DROP INDEX [IX_LedgerEntries_ChargeId] ON [LedgerEntries];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204210503_LedgerIndexes'
)
BEGIN
    DROP INDEX [IX_LedgerEntries_RefundOfEntryId] ON [LedgerEntries];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204210503_LedgerIndexes'
)
BEGIN
    DROP INDEX [IX_Charges_Status_CreatedAt] ON [Charges];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204210503_LedgerIndexes'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_LedgerEntries_RefundOfEntryId] ON [LedgerEntries] ([RefundOfEntryId]) WHERE "RefundOfEntryId" IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204210503_LedgerIndexes'
)
BEGIN
    EXEC(N'CREATE INDEX [IX_Charges_Status_CreatedAt] ON [Charges] ([Status], [CreatedAt]) WHERE "Status" = ''Pending''');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204210503_LedgerIndexes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261204210503_LedgerIndexes', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204225439_HashedRedemptionCodes'
)
BEGIN
    DROP INDEX [IX_RedemptionCodes_Code] ON [RedemptionCodes];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204225439_HashedRedemptionCodes'
)
BEGIN
    ALTER TABLE [RedemptionCodes] ADD [CodeHash] nvarchar(64) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204225439_HashedRedemptionCodes'
)
BEGIN
    ALTER TABLE [RedemptionCodes] ADD [Hint] nvarchar(4) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204225439_HashedRedemptionCodes'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_RedemptionCodes_CodeHash] ON [RedemptionCodes] ([CodeHash]) WHERE "CodeHash" IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204225439_HashedRedemptionCodes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261204225439_HashedRedemptionCodes', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204233147_AdminAuditLog'
)
BEGIN
    CREATE TABLE [AdminAuditEntries] (
        [Id] bigint NOT NULL IDENTITY,
        [At] datetimeoffset NOT NULL,
        [ActorId] nvarchar(450) NOT NULL,
        [Action] nvarchar(64) NOT NULL,
        [Target] nvarchar(256) NOT NULL,
        [Before] nvarchar(256) NULL,
        [After] nvarchar(256) NULL,
        [Detail] nvarchar(500) NULL,
        CONSTRAINT [PK_AdminAuditEntries] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204233147_AdminAuditLog'
)
BEGIN
    CREATE INDEX [IX_AdminAuditEntries_Action_Id] ON [AdminAuditEntries] ([Action], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204233147_AdminAuditLog'
)
BEGIN
    CREATE INDEX [IX_AdminAuditEntries_At] ON [AdminAuditEntries] ([At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204233147_AdminAuditLog'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261204233147_AdminAuditLog', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204235342_TopUpOrders'
)
BEGIN
    ALTER TABLE [LedgerEntries] ADD [TopUpOrderId] uniqueidentifier NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204235342_TopUpOrders'
)
BEGIN
    CREATE TABLE [TopUpOrders] (
        [Id] uniqueidentifier NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [Provider] nvarchar(20) NOT NULL,
        [OutTradeNo] nvarchar(32) NOT NULL,
        [AmountFen] bigint NOT NULL,
        [Currency] nvarchar(3) NOT NULL,
        [Status] nvarchar(20) NOT NULL,
        [CodeUrl] nvarchar(256) NULL,
        [TransactionId] nvarchar(64) NULL,
        [Note] nvarchar(500) NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [CompletedAt] datetimeoffset NULL,
        CONSTRAINT [PK_TopUpOrders] PRIMARY KEY ([Id]),
        CONSTRAINT [CK_TopUpOrders_AmountFen_Positive] CHECK ("AmountFen" > 0),
        CONSTRAINT [FK_TopUpOrders_Accounts_UserId] FOREIGN KEY ([UserId]) REFERENCES [Accounts] ([UserId]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204235342_TopUpOrders'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_LedgerEntries_TopUpOrderId] ON [LedgerEntries] ([TopUpOrderId]) WHERE "TopUpOrderId" IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204235342_TopUpOrders'
)
BEGIN
    CREATE UNIQUE INDEX [IX_TopUpOrders_OutTradeNo] ON [TopUpOrders] ([OutTradeNo]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204235342_TopUpOrders'
)
BEGIN
    EXEC(N'CREATE INDEX [IX_TopUpOrders_Status_CreatedAt] ON [TopUpOrders] ([Status], [CreatedAt]) WHERE "Status" = ''Pending''');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204235342_TopUpOrders'
)
BEGIN
    CREATE INDEX [IX_TopUpOrders_UserId_CreatedAt] ON [TopUpOrders] ([UserId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261204235342_TopUpOrders'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261204235342_TopUpOrders', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205004607_LowBalanceAlerts'
)
BEGIN
    CREATE TABLE [BalanceAlerts] (
        [UserId] nvarchar(450) NOT NULL,
        [ThresholdFen] bigint NOT NULL,
        [AlertedAt] datetimeoffset NULL,
        CONSTRAINT [PK_BalanceAlerts] PRIMARY KEY ([UserId]),
        CONSTRAINT [FK_BalanceAlerts_Accounts_UserId] FOREIGN KEY ([UserId]) REFERENCES [Accounts] ([UserId]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205004607_LowBalanceAlerts'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205004607_LowBalanceAlerts', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205024451_TokenAllowedOrigins'
)
BEGIN
    ALTER TABLE [ApiTokens] ADD [AllowedOrigins] nvarchar(1000) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205024451_TokenAllowedOrigins'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205024451_TokenAllowedOrigins', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025030_TestMode'
)
BEGIN
    ALTER TABLE [LedgerEntries] ADD [IsTest] bit NOT NULL DEFAULT CAST(0 AS bit);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025030_TestMode'
)
BEGIN
    ALTER TABLE [Charges] ADD [IsTest] bit NOT NULL DEFAULT CAST(0 AS bit);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025030_TestMode'
)
BEGIN
    ALTER TABLE [Accounts] ADD [TestBalanceFen] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025030_TestMode'
)
BEGIN
    EXEC(N'ALTER TABLE [Accounts] ADD CONSTRAINT [CK_Accounts_TestBalanceFen_NonNegative] CHECK ("TestBalanceFen" >= 0)');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025030_TestMode'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205025030_TestMode', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025153_ShortLinkManagement'
)
BEGIN
    DROP INDEX [IX_ShortLinks_Code] ON [ShortLinks];
    DECLARE @var nvarchar(max);
    SELECT @var = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[ShortLinks]') AND [c].[name] = N'Code');
    IF @var IS NOT NULL EXEC(N'ALTER TABLE [ShortLinks] DROP CONSTRAINT ' + @var + ';');
    ALTER TABLE [ShortLinks] ALTER COLUMN [Code] nvarchar(32) NOT NULL;
    CREATE UNIQUE INDEX [IX_ShortLinks_Code] ON [ShortLinks] ([Code]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025153_ShortLinkManagement'
)
BEGIN
    ALTER TABLE [ShortLinks] ADD [DeletedAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025153_ShortLinkManagement'
)
BEGIN
    ALTER TABLE [ShortLinks] ADD [ExpiresAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025153_ShortLinkManagement'
)
BEGIN
    ALTER TABLE [ShortLinks] ADD [MaxVisits] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025153_ShortLinkManagement'
)
BEGIN
    ALTER TABLE [ShortLinks] ADD [Tags] nvarchar(249) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025153_ShortLinkManagement'
)
BEGIN
    ALTER TABLE [ShortLinks] ADD [Title] nvarchar(100) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025153_ShortLinkManagement'
)
BEGIN
    ALTER TABLE [RedemptionCodeBatches] ADD [VoidedAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025153_ShortLinkManagement'
)
BEGIN
    ALTER TABLE [RedemptionCodeBatches] ADD [VoidedByUserId] nvarchar(450) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025153_ShortLinkManagement'
)
BEGIN
    CREATE TABLE [ShortLinkVisitStats] (
        [Code] nvarchar(32) NOT NULL,
        [Day] int NOT NULL,
        [ReferrerHost] nvarchar(100) NOT NULL,
        [Device] nvarchar(16) NOT NULL,
        [Visits] bigint NOT NULL,
        CONSTRAINT [PK_ShortLinkVisitStats] PRIMARY KEY ([Code], [Day], [ReferrerHost], [Device])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205025153_ShortLinkManagement'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205025153_ShortLinkManagement', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205115017_LedgerUserIndexWithoutCharges'
)
BEGIN
    DROP INDEX [IX_LedgerEntries_UserId_CreatedAt] ON [LedgerEntries];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205115017_LedgerUserIndexWithoutCharges'
)
BEGIN
    EXEC(N'CREATE INDEX [IX_LedgerEntries_UserId_CreatedAt] ON [LedgerEntries] ([UserId], [CreatedAt]) WHERE "Kind" <> ''Charge''');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205115017_LedgerUserIndexWithoutCharges'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205115017_LedgerUserIndexWithoutCharges', N'10.0.15');
END;

COMMIT;
GO

