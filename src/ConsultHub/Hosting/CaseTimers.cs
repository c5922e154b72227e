using Orleans.Configuration;
using Telemed.Grains.Cases;

namespace Telemed.ConsultHub.Hosting;

/// <summary>The case deadline check period from <see cref="HubOptions.CaseCheckPeriod"/>.</summary>
public static class CaseTimers
{
    /// <summary>Orleans refuses reminders shorter than its minimum period (1 min), so a shorter check period lowers it.</summary>
    public static ISiloBuilder UseTelemedCaseTimers(this ISiloBuilder silo, HubOptions hub)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(hub);
        silo.Services.Configure<CaseTimerOptions>(o => o.CheckPeriod = hub.CaseCheckPeriod);
        if (hub.CaseCheckPeriod < TimeSpan.FromMinutes(1))
        {
            silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = hub.CaseCheckPeriod);
        }

        return silo;
    }
}
