using System.Globalization;

namespace Journey.Domain.ProcessMining;

/// <summary>ISO 8601 / xs:dateTime timestamps as event logs write them.</summary>
internal static class IsoTimestamp
{
    // Exact formats rather than DateTimeOffset.TryParse, which would also accept culture-style dates
    // such as "12/30/2010". A space separator is accepted because pandas (and so PM4Py) writes CSV that way.
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ssK",
        "yyyy-MM-dd HH:mmK",
    ];

    /// <summary>
    /// Parses a timestamp keeping its offset; one without an offset is taken as UTC (as XES tools and
    /// PM4Py do), never as the machine's local time, so results do not depend on where they are computed.
    /// </summary>
    public static bool TryParse(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
}
