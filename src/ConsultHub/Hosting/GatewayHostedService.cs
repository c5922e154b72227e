using Telemed.DeviceGateway.Hosting;

namespace Telemed.ConsultHub.Hosting;

/// <summary>Runs the device gateway for the host's lifetime; started after the silo, so ingest can reach the grains.</summary>
internal sealed class GatewayHostedService(GatewayService gateway) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => gateway.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => gateway.StopAsync();
}
