using Orleans.Configuration;

namespace Telemed.ConsultHub.Hosting;

/// <summary>How the hub's silo finds its peers: alone on localhost (embedded) or through Redis (cluster profile).</summary>
public static class TelemedClustering
{
    public static ISiloBuilder UseTelemedClustering(this ISiloBuilder silo, HubOptions hub)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(hub);
        if (hub.Cluster is not { } cluster)
        {
            return silo
                .UseLocalhostClustering(hub.SiloPort, hub.OrleansGatewayPort)
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = "telemed";
                    o.ServiceId = "telemed";
                });
        }

        return silo
            .UseRedisClustering(cluster.Redis)
            .ConfigureEndpoints(cluster.AdvertisedAddress, hub.SiloPort, hub.OrleansGatewayPort, listenOnAnyHostAddress: false)
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            })
            .Configure<ClusterMembershipOptions>(o =>
            {
                // A dead silo's grains (and the reminders it owned) move only once it is declared dead: about
                // ProbeTimeout × MissedProbesLimit after it stops answering.
                o.ProbeTimeout = cluster.ProbeTimeout;
                o.NumMissedProbesLimit = cluster.MissedProbesLimit;
            });
    }
}
