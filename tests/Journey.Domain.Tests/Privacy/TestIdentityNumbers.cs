using System.Globalization;

namespace Journey.Domain.Tests.Privacy;

/// <summary>
/// Builds identity numbers for tests from their parts, computing the check digits here rather than
/// pasting numbers whose validity a reader would have to take on trust. The check digits are found the
/// way the standard states the rule: with a weight of 1 appended for the check digit itself, the
/// weighted digit sum must be divisible by 11 (a different formulation from the production code's).
/// </summary>
internal static class TestIdentityNumbers
{
    private static readonly int[] FirstWeights = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
    private static readonly int[] SecondWeights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

    /// <summary>
    /// The number for day, month, two-digit year and the first individual number from
    /// <paramref name="individualFrom"/> upwards that admits both check digits.
    /// </summary>
    public static string Build(int day, int month, int year, int individualFrom = 123)
    {
        for (var individual = individualFrom; individual <= 999; individual++)
        {
            if (TryBuild(day, month, year, individual, out var number))
            {
                return number;
            }
        }
        throw new InvalidOperationException("No individual number in range admits check digits.");
    }

    /// <summary>The number with these parts, or false when no digit makes a check digit work.</summary>
    public static bool TryBuild(int day, int month, int year, int individual, out string number)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{day:D2}{month:D2}{year:D2}{individual:D3}");
        number = "";
        if (FindCheckDigit(prefix, FirstWeights) is not { } k1)
        {
            return false;
        }
        if (FindCheckDigit(prefix + k1, SecondWeights) is not { } k2)
        {
            return false;
        }
        number = $"{prefix}{k1}{k2}";
        return true;
    }

    /// <summary>The nine-digit prefix (day, month, year, individual) for which no first check digit exists.</summary>
    public static string PrefixWithoutFirstCheckDigit(int day, int month, int year)
    {
        for (var individual = 0; individual <= 999; individual++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{day:D2}{month:D2}{year:D2}{individual:D3}");
            if (FindCheckDigit(prefix, FirstWeights) is null)
            {
                return prefix;
            }
        }
        throw new InvalidOperationException("Every prefix admits a check digit.");
    }

    /// <summary>True when both weighted sums of a full number are divisible by 11.</summary>
    public static bool HasValidCheckDigits(string number) =>
        WeightedSum(number[..10], FirstWeights) % 11 == 0 && WeightedSum(number, SecondWeights) % 11 == 0;

    /// <summary>The number with one digit replaced.</summary>
    public static string WithDigit(string number, int position, int digit) =>
        string.Concat(number.AsSpan(0, position), ((char)('0' + digit)).ToString(), number.AsSpan(position + 1));

    private static int? FindCheckDigit(string digitsBefore, int[] weights)
    {
        for (var candidate = 0; candidate <= 9; candidate++)
        {
            if (WeightedSum(digitsBefore + candidate, weights) % 11 == 0)
            {
                return candidate;
            }
        }
        return null;
    }

    private static int WeightedSum(string digits, int[] weights) =>
        digits.Select((c, i) => (c - '0') * weights[i]).Sum();
}
