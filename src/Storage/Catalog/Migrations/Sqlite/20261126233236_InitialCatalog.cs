using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Telemed.Storage.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialCatalog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "instances",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SopInstanceUid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SopClassUid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StudyInstanceUid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SeriesInstanceUid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TransferSyntaxUid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PatientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    PatientName = table.Column<string>(type: "TEXT", maxLength: 324, nullable: true),
                    Modality = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    AccessionNumber = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    StudyDate = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    BlobHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    ReceivedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SourceAeTitle = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    SourceAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DeviceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    InstitutionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_instances", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_instances_PatientId",
                table: "instances",
                column: "PatientId");

            migrationBuilder.CreateIndex(
                name: "IX_instances_SopInstanceUid_BlobHash",
                table: "instances",
                columns: new[] { "SopInstanceUid", "BlobHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_instances_SopInstanceUid_Version",
                table: "instances",
                columns: new[] { "SopInstanceUid", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_instances_StudyInstanceUid",
                table: "instances",
                column: "StudyInstanceUid");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "instances");
        }
    }
}
