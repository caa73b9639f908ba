using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UserSuspension : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "SuspendedAt",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);

            // Admins used to suspend by setting Identity's LockoutEnd far into the future: carry those over.
            var farFuture = (long)new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter()
                .ConvertToProvider(new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero))!;
            var now = (long)new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter()
                .ConvertToProvider(DateTimeOffset.UtcNow)!;
            migrationBuilder.Sql($"UPDATE \"AspNetUsers\" SET \"SuspendedAt\" = {now}, \"LockoutEnd\" = NULL WHERE \"LockoutEnd\" > {farFuture};");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SuspendedAt",
                table: "AspNetUsers");
        }
    }
}
