using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;
using HubOptions = Telemed.ConsultHub.Hosting.HubOptions;
using Telemed.ConsultHub.Live.Calls;
using Telemed.ConsultHub.Live.Consults;
using Telemed.ConsultHub.Live.Ecg;
using Telemed.ConsultHub.Live.Events;
using Telemed.Grains.Consults;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.Live;

/// <summary>
/// The real-time surface: /hubs/events (case and worklist events) and /hubs/consult (consult sessions). In the
/// cluster profile the consult hub goes over the SignalR Redis backplane, so a message reaches participants on every
/// node; the events hub stays node-local because every node hears the grain feeds itself.
/// </summary>
public static class TelemedLive
{
    public const string EventsRoute = "/hubs/events";
    public const string ConsultRoute = "/hubs/consult";

    public static WebApplicationBuilder AddTelemedLive(this WebApplicationBuilder builder, HubOptions hub)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(hub);
        ISignalRServerBuilder signalR = builder.Services.AddSignalR()
            // A browser-attached device's ECG batch (PublishEcg) is larger than the 32 KB default: 12 leads × 1000 samples.
            .AddHubOptions<ConsultSessionHub>(o => o.MaximumReceiveMessageSize = 256 * 1024)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        if (hub.Cluster is { } cluster)
        {
            signalR.AddStackExchangeRedis(cluster.Redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal("telemed-signalr-" + cluster.ClusterId));
            // A closed registration wins over the backplane's open generic one.
            builder.Services.AddSingleton<HubLifetimeManager<CaseEventsHub>, DefaultHubLifetimeManager<CaseEventsHub>>();
        }

        builder.Services.AddSingleton(IceServerOptions.From(builder.Configuration));
        builder.Services.AddSingleton<CommunityFeedBridge>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CommunityFeedBridge>());
        builder.Services.AddSingleton(services => new EcgStreamCaseLinker(services.GetRequiredService<Func<CatalogDbContext>>()));
        // The gateway's live observer (Program.cs hands it to GatewayService): device ECG streams into consult sessions.
        builder.Services.AddSingleton<EcgLiveRelay>();
        builder.Services.AddSingleton<IConsultMessageStore>(services => new CatalogConsultMessageStore(services.GetRequiredService<Func<CatalogDbContext>>()));
        return builder;
    }

    public static WebApplication MapTelemedLive(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHub<CaseEventsHub>(EventsRoute).RequireAuthorization();
        app.MapHub<ConsultSessionHub>(ConsultRoute).RequireAuthorization();
        return app;
    }
}
