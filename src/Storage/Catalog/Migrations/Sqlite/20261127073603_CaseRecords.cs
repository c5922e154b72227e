using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Telemed.Storage.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CaseRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_records",
                columns: table => new
                {
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CommunityId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RoutedCommunityId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RequestingInstitutionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Priority = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Specialty = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PatientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    AssignedReaderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ClinicalQuestion = table.Column<string>(type: "TEXT", nullable: false),
                    OpenedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AssignedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcceptedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SignedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SlaDueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SlaBreached = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_records", x => x.CaseId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_case_records_AssignedReaderId_Status",
                table: "case_records",
                columns: new[] { "AssignedReaderId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_case_records_CommunityId_Status",
                table: "case_records",
                columns: new[] { "CommunityId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_case_records_PatientId",
                table: "case_records",
                column: "PatientId");

            migrationBuilder.CreateIndex(
                name: "IX_case_records_RequestingInstitutionId_OpenedAt",
                table: "case_records",
                columns: new[] { "RequestingInstitutionId", "OpenedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_case_records_RoutedCommunityId_Status",
                table: "case_records",
                columns: new[] { "RoutedCommunityId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_records");
        }
    }
}
