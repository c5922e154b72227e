using Telemed.ConsultHub.Ecgs;
using Telemed.ConsultHub.Hosting;
using Telemed.DeviceGateway.Hosting;

namespace Telemed.ConsultHub.Uploads;

/// <summary>Registers resumable uploads (store, processor, expiry) and the ECG analysis cache the ECG API reads through.</summary>
public static class UploadServices
{
    public static WebApplicationBuilder AddTelemedUploads(this WebApplicationBuilder builder, HubOptions hub)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(UploadOptions.From(builder.Configuration, hub));
        builder.Services.AddSingleton(s => new UploadStore(s.GetRequiredService<UploadOptions>()));
        builder.Services.AddSingleton(s => new UploadProcessor(s.GetRequiredService<UploadStore>(), s.GetRequiredService<GatewayService>(),
            s.GetRequiredService<IGrainFactory>(), s.GetService<TimeProvider>() ?? TimeProvider.System, s.GetRequiredService<ILogger<UploadProcessor>>()));
        builder.Services.AddHostedService(s => new UploadMaintenance(s.GetRequiredService<UploadStore>(), s.GetRequiredService<UploadProcessor>(),
            s.GetService<TimeProvider>() ?? TimeProvider.System, s.GetRequiredService<ILogger<UploadMaintenance>>()));
        builder.Services.AddSingleton(s => new EcgAnalysisCache(s.GetRequiredService<GatewayService>().Blobs));
        return builder;
    }
}
