using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Telemed.Storage.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DicomWebQuery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "BitsAllocated",
                table: "instances",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Columns",
                table: "instances",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "InstanceNumber",
                table: "instances",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "NumberOfFrames",
                table: "instances",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PatientBirthDate",
                table: "instances",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PatientNameKey",
                table: "instances",
                type: "TEXT",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PatientSex",
                table: "instances",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReferringPhysicianName",
                table: "instances",
                type: "TEXT",
                maxLength: 324,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Rows",
                table: "instances",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SeriesDescription",
                table: "instances",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SeriesNumber",
                table: "instances",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StudyDescription",
                table: "instances",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StudyId",
                table: "instances",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StudyTime",
                table: "instances",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_instances_AccessionNumber",
                table: "instances",
                column: "AccessionNumber");

            migrationBuilder.CreateIndex(
                name: "IX_instances_SeriesInstanceUid",
                table: "instances",
                column: "SeriesInstanceUid");

            migrationBuilder.CreateIndex(
                name: "IX_instances_qido_order",
                table: "instances",
                columns: new[] { "StudyDate", "StudyInstanceUid", "SeriesNumber", "SeriesInstanceUid", "InstanceNumber", "InstitutionId", "Modality", "PatientNameKey" },
                descending: new[] { true, true, false, false, false, false, false, false });

            // Rows stored before this migration: the whole name folded, so wildcard queries on it still match
            // (new rows get every component group from the ingest, PersonNameSearchKey).
            migrationBuilder.Sql("UPDATE instances SET \"PatientNameKey\" = '|' || upper(\"PatientName\") || '|' WHERE \"PatientName\" IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_instances_AccessionNumber",
                table: "instances");

            migrationBuilder.DropIndex(
                name: "IX_instances_SeriesInstanceUid",
                table: "instances");

            migrationBuilder.DropIndex(
                name: "IX_instances_qido_order",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "BitsAllocated",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "Columns",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "InstanceNumber",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "NumberOfFrames",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "PatientBirthDate",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "PatientNameKey",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "PatientSex",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "ReferringPhysicianName",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "Rows",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "SeriesDescription",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "SeriesNumber",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "StudyDescription",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "StudyId",
                table: "instances");

            migrationBuilder.DropColumn(
                name: "StudyTime",
                table: "instances");
        }
    }
}
