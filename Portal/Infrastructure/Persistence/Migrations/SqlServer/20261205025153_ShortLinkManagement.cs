using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.SqlServer
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
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(16)",
                oldMaxLength: 16);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DeletedAt",
                table: "ShortLinks",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ExpiresAt",
                table: "ShortLinks",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MaxVisits",
                table: "ShortLinks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Tags",
                table: "ShortLinks",
                type: "nvarchar(249)",
                maxLength: 249,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Title",
                table: "ShortLinks",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "VoidedAt",
                table: "RedemptionCodeBatches",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VoidedByUserId",
                table: "RedemptionCodeBatches",
                type: "nvarchar(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ShortLinkVisitStats",
                columns: table => new
                {
                    Code = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Day = table.Column<int>(type: "int", nullable: false),
                    ReferrerHost = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Device = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
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
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(32)",
                oldMaxLength: 32);
        }
    }
}
