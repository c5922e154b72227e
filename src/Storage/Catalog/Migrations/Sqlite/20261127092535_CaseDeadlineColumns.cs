using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Telemed.Storage.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CaseDeadlineColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AcceptDueAt",
                table: "case_records",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "SlaWarned",
                table: "case_records",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AcceptDueAt",
                table: "case_records");

            migrationBuilder.DropColumn(
                name: "SlaWarned",
                table: "case_records");
        }
    }
}
