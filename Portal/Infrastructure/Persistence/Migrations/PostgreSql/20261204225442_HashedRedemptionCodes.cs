using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class HashedRedemptionCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RedemptionCodes_Code",
                table: "RedemptionCodes");

            migrationBuilder.AddColumn<string>(
                name: "CodeHash",
                table: "RedemptionCodes",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Hint",
                table: "RedemptionCodes",
                type: "character varying(4)",
                maxLength: 4,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_RedemptionCodes_CodeHash",
                table: "RedemptionCodes",
                column: "CodeHash",
                unique: true,
                filter: "\"CodeHash\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RedemptionCodes_CodeHash",
                table: "RedemptionCodes");

            migrationBuilder.DropColumn(
                name: "CodeHash",
                table: "RedemptionCodes");

            migrationBuilder.DropColumn(
                name: "Hint",
                table: "RedemptionCodes");

            migrationBuilder.CreateIndex(
                name: "IX_RedemptionCodes_Code",
                table: "RedemptionCodes",
                column: "Code",
                unique: true);
        }
    }
}
