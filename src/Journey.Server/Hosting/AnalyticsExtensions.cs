using Journey.Server.Queries;

namespace Journey.Server.Hosting;

/// <summary>The process owners' query API: options, and gRPC JSON transcoding so it is also JSON over HTTP.</summary>
public static class AnalyticsExtensions
{
    public static WebApplicationBuilder AddJourneyAnalytics(this WebApplicationBuilder builder)
    {
        // A k below three is refused when the host starts, not when the first figure is asked for.
        builder.Services.AddOptions<AnalyticsOptions>()
            .BindConfiguration(AnalyticsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Refusals carry google.rpc.BadRequest details; the transcoder must know the type to write them
        // as JSON, or it fails with a 500 and its own exception text.
        builder.Services.AddGrpc().AddJsonTranscoding(transcoding =>
            transcoding.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(Google.Rpc.BadRequest.Descriptor));
        return builder;
    }
}
