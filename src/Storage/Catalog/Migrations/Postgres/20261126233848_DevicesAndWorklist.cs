using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Telemed.Storage.Catalog.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DevicesAndWorklist : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "devices",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    InstitutionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AeTitle = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    AllowedAddresses = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    MaxAssociations = table.Column<int>(type: "integer", nullable: false),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_devices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "worklist_items",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    InstitutionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PatientName = table.Column<string>(type: "character varying(324)", maxLength: 324, nullable: false),
                    PatientBirthDate = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    PatientSex = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    AccessionNumber = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RequestedProcedureId = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RequestedProcedureDescription = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    StudyInstanceUid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Modality = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ScheduledStationAeTitle = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    ScheduledStartDate = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    ScheduledStartTime = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    ScheduledProcedureStepId = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ScheduledProcedureStepDescription = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ReferringPhysicianName = table.Column<string>(type: "character varying(324)", maxLength: 324, nullable: true),
                    Completed = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_worklist_items", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_devices_AeTitle",
                table: "devices",
                column: "AeTitle",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_worklist_items_AccessionNumber",
                table: "worklist_items",
                column: "AccessionNumber");

            migrationBuilder.CreateIndex(
                name: "IX_worklist_items_InstitutionId_ScheduledStartDate",
                table: "worklist_items",
                columns: new[] { "InstitutionId", "ScheduledStartDate" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "devices");

            migrationBuilder.DropTable(
                name: "worklist_items");
        }
    }
}
