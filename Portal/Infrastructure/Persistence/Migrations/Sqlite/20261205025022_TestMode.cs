using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TestMode : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsTest",
                table: "LedgerEntries",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "IsTest",
                table: "Charges",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "TestBalanceFen",
                table: "Accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddCheckConstraint(
                name: "CK_Accounts_TestBalanceFen_NonNegative",
                table: "Accounts",
                sql: "\"TestBalanceFen\" >= 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "CK_Accounts_TestBalanceFen_NonNegative",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "IsTest",
                table: "LedgerEntries");

            migrationBuilder.DropColumn(
                name: "IsTest",
                table: "Charges");

            migrationBuilder.DropColumn(
                name: "TestBalanceFen",
                table: "Accounts");
        }
    }
}
