using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LedgerIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_ChargeId",
                table: "LedgerEntries");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_RefundOfEntryId",
                table: "LedgerEntries");

            migrationBuilder.DropIndex(
                name: "IX_Charges_Status_CreatedAt",
                table: "Charges");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_RefundOfEntryId",
                table: "LedgerEntries",
                column: "RefundOfEntryId",
                unique: true,
                filter: "\"RefundOfEntryId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Charges_Status_CreatedAt",
                table: "Charges",
                columns: new[] { "Status", "CreatedAt" },
                filter: "\"Status\" = 'Pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_RefundOfEntryId",
                table: "LedgerEntries");

            migrationBuilder.DropIndex(
                name: "IX_Charges_Status_CreatedAt",
                table: "Charges");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_ChargeId",
                table: "LedgerEntries",
                column: "ChargeId");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_RefundOfEntryId",
                table: "LedgerEntries",
                column: "RefundOfEntryId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Charges_Status_CreatedAt",
                table: "Charges",
                columns: new[] { "Status", "CreatedAt" });
        }
    }
}
