using Journey.Server.Hosting;
using Journey.Server.Journeys;
using Journey.Server.Projections;
using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Journey.Server.Tests.HotPath;

/// <summary>References made from the types resolved once are the ones Orleans' GetGrain would give.</summary>
public sealed class GrainReferencesTests
{
    [Fact]
    public async Task a_reference_made_from_the_resolved_types_is_the_one_get_grain_gives()
    {
        await using var server = await RunningServer.StartAsync();
        var grains = server.Services.GetRequiredService<IGrainFactory>();

        // The first call of each interface resolves its types (unless a test before did), the later ones use them.
        foreach (var key in new[] { "journey-fa-barn-a", "journey-fa-barn-b", "journey-dodsfall-og-arv-c" })
        {
            AssertSame(grains.GetGrain<IJourneyGrain>(key), grains.Reference<IJourneyGrain>(key));
        }
        AssertSame(grains.GetGrain<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key), grains.Reference<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key));
        var status = await grains.Reference<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key).EnsureRunningAsync();
        Assert.Equal(0, status.EventsApplied);
    }

    private static void AssertSame(object usual, object made)
    {
        var expected = (GrainReference)usual;
        var actual = (GrainReference)made;
        Assert.Equal(expected.GetGrainId(), actual.GetGrainId());
        Assert.Equal(expected.InterfaceType, actual.InterfaceType);
        Assert.Equal(usual.GetType(), made.GetType());
    }
}
