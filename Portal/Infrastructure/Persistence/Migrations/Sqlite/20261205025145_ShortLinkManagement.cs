using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ShortLinkManagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DeletedAt",
                table: "ShortLinks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ExpiresAt",
                table: "ShortLinks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MaxVisits",
                table: "ShortLinks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Tags",
                table: "ShortLinks",
                type: "TEXT",
                maxLength: 249,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Title",
                table: "ShortLinks",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "VoidedAt",
                table: "RedemptionCodeBatches",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VoidedByUserId",
                table: "RedemptionCodeBatches",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ShortLinkVisitStats",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Day = table.Column<int>(type: "INTEGER", nullable: false),
                    ReferrerHost = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Device = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Visits = table.Column<long>(type: "INTEGER", nullable: false)
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
        }
    }
}
