using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class WeChatSessionOpenId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WeChatSessions_AppRowId",
                table: "WeChatSessions");

            migrationBuilder.CreateIndex(
                name: "IX_WeChatSessions_AppRowId_OpenId",
                table: "WeChatSessions",
                columns: new[] { "AppRowId", "OpenId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WeChatSessions_AppRowId_OpenId",
                table: "WeChatSessions");

            migrationBuilder.CreateIndex(
                name: "IX_WeChatSessions_AppRowId",
                table: "WeChatSessions",
                column: "AppRowId");
        }
    }
}
