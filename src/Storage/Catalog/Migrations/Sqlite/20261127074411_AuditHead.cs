using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Telemed.Storage.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditHead : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_head",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_head", x => x.Id);
                    table.CheckConstraint("ck_audit_head_single_row", "\"Id\" = 1");
                });

            // A log written before this migration gets its head from its current newest entry.
            migrationBuilder.Sql(
                "INSERT INTO audit_head (\"Id\", \"Sequence\", \"Hash\") " +
                "SELECT 1, \"Sequence\", \"Hash\" FROM audit_entries ORDER BY \"Sequence\" DESC LIMIT 1;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_head");
        }
    }
}
