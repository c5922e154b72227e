using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Telemed.Storage.Catalog.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PatientsAndReferrals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "patients",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CommunityId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(194)", maxLength: 194, nullable: false),
                    NameKey = table.Column<string>(type: "character varying(194)", maxLength: 194, nullable: false),
                    Sex = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: true),
                    BirthDate = table.Column<DateOnly>(type: "date", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    MergedIntoId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patients", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "referral_records",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    PatientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Direction = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    FromInstitutionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    FromCommunityId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ToInstitutionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ToCommunityId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    RequestedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RequestedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referral_records", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "patient_identifiers",
                columns: table => new
                {
                    InstitutionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LocalId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AddedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patient_identifiers", x => new { x.InstitutionId, x.LocalId });
                    table.ForeignKey(
                        name: "FK_patient_identifiers_patients_PatientId",
                        column: x => x.PatientId,
                        principalTable: "patients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_patient_identifiers_PatientId",
                table: "patient_identifiers",
                column: "PatientId");

            migrationBuilder.CreateIndex(
                name: "IX_patients_CommunityId_NameKey",
                table: "patients",
                columns: new[] { "CommunityId", "NameKey" });

            migrationBuilder.CreateIndex(
                name: "IX_referral_records_FromCommunityId",
                table: "referral_records",
                column: "FromCommunityId");

            migrationBuilder.CreateIndex(
                name: "IX_referral_records_FromInstitutionId_Status",
                table: "referral_records",
                columns: new[] { "FromInstitutionId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_referral_records_ToCommunityId",
                table: "referral_records",
                column: "ToCommunityId");

            migrationBuilder.CreateIndex(
                name: "IX_referral_records_ToInstitutionId_Status",
                table: "referral_records",
                columns: new[] { "ToInstitutionId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "patient_identifiers");

            migrationBuilder.DropTable(
                name: "referral_records");

            migrationBuilder.DropTable(
                name: "patients");
        }
    }
}
