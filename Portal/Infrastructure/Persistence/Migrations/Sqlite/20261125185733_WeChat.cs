using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WeChat : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MiniProgramApps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    AppId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ProtectedSecret = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    SecretLast4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    IsDefault = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastTestedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastTestOk = table.Column<bool>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MiniProgramApps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MiniProgramApps_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WeChatAccessTokens",
                columns: table => new
                {
                    AppRowId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProtectedToken = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FetchedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LeaseExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastForcedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ForcedDay = table.Column<long>(type: "INTEGER", nullable: true),
                    ForcedCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WeChatAccessTokens", x => x.AppRowId);
                    table.CheckConstraint("CK_WeChatAccessTokens_ForcedCount", "\"ForcedCount\" >= 0");
                    table.ForeignKey(
                        name: "FK_WeChatAccessTokens_MiniProgramApps_AppRowId",
                        column: x => x.AppRowId,
                        principalTable: "MiniProgramApps",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WeChatSessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AppRowId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OpenId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    UnionId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    ProtectedSessionKey = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WeChatSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WeChatSessions_MiniProgramApps_AppRowId",
                        column: x => x.AppRowId,
                        principalTable: "MiniProgramApps",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MiniProgramApps_AppId",
                table: "MiniProgramApps",
                column: "AppId");

            migrationBuilder.CreateIndex(
                name: "IX_MiniProgramApps_UserId_AppId",
                table: "MiniProgramApps",
                columns: new[] { "UserId", "AppId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WeChatSessions_AppRowId",
                table: "WeChatSessions",
                column: "AppRowId");

            migrationBuilder.CreateIndex(
                name: "IX_WeChatSessions_ExpiresAt",
                table: "WeChatSessions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_WeChatSessions_TokenHash",
                table: "WeChatSessions",
                column: "TokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WeChatAccessTokens");

            migrationBuilder.DropTable(
                name: "WeChatSessions");

            migrationBuilder.DropTable(
                name: "MiniProgramApps");
        }
    }
}
