using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ShortLinkManagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Code",
                table: "ShortLinks",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(16)",
                oldMaxLength: 16);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DeletedAt",
                table: "ShortLinks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ExpiresAt",
                table: "ShortLinks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MaxVisits",
                table: "ShortLinks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Tags",
                table: "ShortLinks",
                type: "character varying(249)",
                maxLength: 249,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Title",
                table: "ShortLinks",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "VoidedAt",
                table: "RedemptionCodeBatches",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VoidedByUserId",
                table: "RedemptionCodeBatches",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ShortLinkVisitStats",
                columns: table => new
                {
                    Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Day = table.Column<int>(type: "integer", nullable: false),
                    ReferrerHost = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Device = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Visits = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShortLinkVisitStats", x => new { x.Code, x.Day, x.ReferrerHost, x.Device });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ShortLinkVisitStats");

            migrationBuilder.DropColumn(
                name: "DeletedAt",
                table: "ShortLinks");

            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                table: "ShortLinks");

            migrationBuilder.DropColumn(
                name: "MaxVisits",
                table: "ShortLinks");

            migrationBuilder.DropColumn(
                name: "Tags",
                table: "ShortLinks");

            migrationBuilder.DropColumn(
                name: "Title",
                table: "ShortLinks");

            migrationBuilder.DropColumn(
                name: "VoidedAt",
                table: "RedemptionCodeBatches");

            migrationBuilder.DropColumn(
                name: "VoidedByUserId",
                table: "RedemptionCodeBatches");

            migrationBuilder.AlterColumn<string>(
                name: "Code",
                table: "ShortLinks",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(32)",
                oldMaxLength: 32);
        }
    }
}
