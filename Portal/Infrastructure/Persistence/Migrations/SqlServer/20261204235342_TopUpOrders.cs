using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class TopUpOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "TopUpOrderId",
                table: "LedgerEntries",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "TopUpOrders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    UserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    Provider = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    OutTradeNo = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    AmountFen = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    CodeUrl = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    TransactionId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Note = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TopUpOrders", x => x.Id);
                    table.CheckConstraint("CK_TopUpOrders_AmountFen_Positive", "\"AmountFen\" > 0");
                    table.ForeignKey(
                        name: "FK_TopUpOrders_Accounts_UserId",
                        column: x => x.UserId,
                        principalTable: "Accounts",
                        principalColumn: "UserId",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_TopUpOrderId",
                table: "LedgerEntries",
                column: "TopUpOrderId",
                unique: true,
                filter: "\"TopUpOrderId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_TopUpOrders_OutTradeNo",
                table: "TopUpOrders",
                column: "OutTradeNo",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TopUpOrders_Status_CreatedAt",
                table: "TopUpOrders",
                columns: new[] { "Status", "CreatedAt" },
                filter: "\"Status\" = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "IX_TopUpOrders_UserId_CreatedAt",
                table: "TopUpOrders",
                columns: new[] { "UserId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TopUpOrders");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_TopUpOrderId",
                table: "LedgerEntries");

            migrationBuilder.DropColumn(
                name: "TopUpOrderId",
                table: "LedgerEntries");
        }
    }
}
