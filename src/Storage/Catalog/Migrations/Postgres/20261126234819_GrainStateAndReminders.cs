using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Telemed.Storage.Catalog.Migrations.Postgres
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
                    StateName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    GrainId = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Json = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_grain_states", x => new { x.StateName, x.GrainId });
                });

            migrationBuilder.CreateTable(
                name: "reminders",
                columns: table => new
                {
                    ServiceId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    GrainId = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    ReminderName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    GrainHash = table.Column<long>(type: "bigint", nullable: false),
                    StartAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    PeriodTicks = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
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
