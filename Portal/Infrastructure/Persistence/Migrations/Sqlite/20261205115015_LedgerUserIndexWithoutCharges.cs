using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LedgerUserIndexWithoutCharges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_UserId_CreatedAt",
                table: "LedgerEntries");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_UserId_CreatedAt",
                table: "LedgerEntries",
                columns: new[] { "UserId", "CreatedAt" },
                filter: "\"Kind\" <> 'Charge'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_UserId_CreatedAt",
                table: "LedgerEntries");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_UserId_CreatedAt",
                table: "LedgerEntries",
                columns: new[] { "UserId", "CreatedAt" });
        }
    }
}
