using Journey.Domain.Catalog;
using Journey.Server.Ingest;

namespace Journey.Server.Queries;

/// <summary>What the query services refuse in a filter, said the same way by each.</summary>
internal static class QueryFilters
{
    public const string Invalid = "The query is invalid.";

    /// <summary>The journey type a filter names, when the catalog does not know it; null when none is named or it is known.</summary>
    public static FieldViolation? UnknownJourneyType(JourneyCatalog catalog, string journeyType) =>
        journeyType.Length > 0 && catalog.FindJourneyType(journeyType) is null
            ? new FieldViolation("journey_type", "is not a journey type in the catalog")
            : null;
}
