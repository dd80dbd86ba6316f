using System.Globalization;

namespace Journey.Domain.LeadTimes;

/// <summary>
/// Which part of the figures to compute: one journey type, a period of life-event months, one agency. Every
/// part is optional; the default is everything.
/// </summary>
/// <param name="JourneyType">Only this journey type; null for all.</param>
/// <param name="FromMonth">First month ("yyyy-MM") of the life event, inclusive; null for no lower bound.</param>
/// <param name="ToMonth">Last month ("yyyy-MM") of the life event, inclusive; null for no upper bound.</param>
/// <param name="Agency">
/// Only what concerns this agency: its services, the journeys it took part in (their end-to-end and span),
/// hand-overs from or to it, arcs from or to one of its activities.
/// </param>
/// <remarks>
/// A period selects journeys by the month of their life event, so journeys without a life event (which have
/// only process-mining figures) count only when neither bound is given.
/// </remarks>
public sealed record LeadTimeFilter(string? JourneyType = null, string? FromMonth = null, string? ToMonth = null, string? Agency = null)
{
    public static readonly LeadTimeFilter All = new();

    /// <summary>True when a bound on the life event's month is given.</summary>
    public bool HasPeriod => FromMonth is not null || ToMonth is not null;

    /// <summary>Parses "yyyy-MM" into year·12 + month − 1.</summary>
    public static bool TryParseMonth(string text, out int month)
    {
        month = 0;
        if (!DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }
        month = date.Year * 12 + date.Month - 1;
        return true;
    }

    internal (int From, int To) MonthRange()
    {
        var from = int.MinValue;
        var to = int.MaxValue;
        if (FromMonth is not null && !TryParseMonth(FromMonth, out from))
        {
            throw new ArgumentException($"FromMonth '{FromMonth}' is not a month as yyyy-MM.", nameof(FromMonth));
        }
        if (ToMonth is not null && !TryParseMonth(ToMonth, out to))
        {
            throw new ArgumentException($"ToMonth '{ToMonth}' is not a month as yyyy-MM.", nameof(ToMonth));
        }
        return (from, to);
    }

    internal static string FormatMonth(int month)
    {
        var (year, index) = Math.DivRem(month, 12);
        return string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{index + 1:D2}");
    }
}
