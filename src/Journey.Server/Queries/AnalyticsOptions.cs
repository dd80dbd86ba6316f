using System.ComponentModel.DataAnnotations;

namespace Journey.Server.Queries;

/// <summary>The <c>Journey:Analytics</c> configuration section: what process owners may see.</summary>
public sealed class AnalyticsOptions
{
    public const string SectionName = "Journey:Analytics";

    /// <summary>The smallest k the server starts with: below three, a group's figures are one or two persons'.</summary>
    public const int SmallestMinGroupSize = 3;

    /// <summary>
    /// k: groups of fewer journeys are suppressed in the query API (listed, marked suppressed, figures
    /// zero). At least <see cref="SmallestMinGroupSize"/>; PRODUCT.md's default is 5.
    /// </summary>
    [Range(SmallestMinGroupSize, 1_000_000, ErrorMessage = "Journey:Analytics:MinGroupSize must be at least 3 (k-anonymity; the default is 5).")]
    public int MinGroupSize { get; set; } = 5;
}
