using System.Numerics;
using System.Runtime.CompilerServices;

namespace Journey.Domain.Events;

/// <summary>
/// RFC 3339 instants with an explicit offset, read character by character: the door reads every
/// <c>occurred_at</c> sent (as text) and a rebuild every stored one (as UTF-8 bytes), so both go through this
/// one reader rather than a general ISO 8601 parser.
/// </summary>
public static class Rfc3339
{
    /// <summary>
    /// <c>yyyy-MM-ddTHH:mm:ss</c>, an optional fraction of one to <paramref name="maxFractionDigits"/> digits
    /// (beyond seven, the 100 ns of a tick, they are dropped), then <c>Z</c> or <c>±HH:MM</c> up to ±14:00;
    /// <c>t</c> and <c>z</c> may be lowercase. False for anything else, for impossible dates and times, and
    /// for instants outside <see cref="DateTimeOffset"/>'s range.
    /// </summary>
    /// <typeparam name="T"><see cref="char"/> for text, <see cref="byte"/> for UTF-8.</typeparam>
    // Runs per event at the door and in a rebuild from cold: optimised at once rather than after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse<T>(ReadOnlySpan<T> s, int maxFractionDigits, out DateTimeOffset instant)
        where T : unmanaged, IBinaryInteger<T>
    {
        instant = default;
        if (s.Length < 20
            || !TryDigits(s[..4], out var year) || At(s, 4) != '-'
            || !TryDigits(s[5..7], out var month) || At(s, 7) != '-'
            || !TryDigits(s[8..10], out var day) || At(s, 10) is not ('T' or 't')
            || !TryDigits(s[11..13], out var hour) || At(s, 13) != ':'
            || !TryDigits(s[14..16], out var minute) || At(s, 16) != ':'
            || !TryDigits(s[17..19], out var second))
        {
            return false;
        }
        var rest = s[19..];
        long fractionTicks = 0;
        if (rest.Length > 0 && At(rest, 0) == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit((char)At(rest, digits)))
            {
                digits++;
            }
            var fraction = rest[1..digits];
            if (fraction.Length == 0 || fraction.Length > maxFractionDigits)
            {
                return false;
            }
            for (var i = 0; i < 7; i++)
            {
                fractionTicks = (fractionTicks * 10) + (i < fraction.Length ? At(fraction, i) - '0' : 0);
            }
            rest = rest[digits..];
        }
        TimeSpan offset;
        if (rest.Length == 1 && At(rest, 0) is 'Z' or 'z')
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && At(rest, 0) is '+' or '-' && At(rest, 3) == ':'
            && TryDigits(rest[1..3], out var offsetHours) && TryDigits(rest[4..6], out var offsetMinutes)
            && offsetMinutes < 60 && (offsetHours * 60) + offsetMinutes <= 14 * 60)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0) * (At(rest, 0) == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        instant = new DateTimeOffset(local, offset);
        return true;
    }

    private static int At<T>(ReadOnlySpan<T> s, int index) where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(s[index]);

    private static bool TryDigits<T>(ReadOnlySpan<T> digits, out int value) where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = (uint)(At(digits, i) - '0');
            if (digit > 9)
            {
                return false;
            }
            value = (value * 10) + (int)digit;
        }
        return true;
    }
}
