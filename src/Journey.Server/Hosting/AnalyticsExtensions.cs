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
        builder.Services.AddGrpc().AddJsonTranscoding();
        return builder;
    }
}
