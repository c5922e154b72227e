using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Telemed.Storage.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GrainStateAndReminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "grain_states",
                columns: table => new
                {
                    StateName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    GrainId = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_grain_states", x => new { x.StateName, x.GrainId });
                });

            migrationBuilder.CreateTable(
                name: "reminders",
                columns: table => new
                {
                    ServiceId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    GrainId = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    ReminderName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    GrainHash = table.Column<long>(type: "INTEGER", nullable: false),
                    StartAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PeriodTicks = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reminders", x => new { x.ServiceId, x.GrainId, x.ReminderName });
                });

            migrationBuilder.CreateIndex(
                name: "IX_reminders_ServiceId_GrainHash",
                table: "reminders",
                columns: new[] { "ServiceId", "GrainHash" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "grain_states");

            migrationBuilder.DropTable(
                name: "reminders");
        }
    }
}
