using System.Globalization;

namespace Journey.Server.Tests.Infrastructure;

/// <summary>
/// Identity numbers built from their parts, with check digits computed here by the standard's own
/// formulation (with weight 1 for the check digit, the weighted sum is divisible by 11), so the cases
/// that must fail on the date part really pass the check digits first.
/// </summary>
public static class IdentityNumbers
{
    private static readonly int[] FirstWeights = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
    private static readonly int[] SecondWeights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

    /// <summary>Day, month and two-digit year as given (offsets included), with the first workable individual number.</summary>
    public static string Build(int day, int month, int year, int individualFrom = 123)
    {
        for (var individual = individualFrom; individual <= 999; individual++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{day:D2}{month:D2}{year:D2}{individual:D3}");
            if (CheckDigit(prefix, FirstWeights) is { } k1 && CheckDigit(prefix + k1, SecondWeights) is { } k2)
            {
                return $"{prefix}{k1}{k2}";
            }
        }
        throw new InvalidOperationException("No individual number admits check digits.");
    }

    /// <summary>The number with the digit at <paramref name="position"/> moved on by one.</summary>
    public static string WithDigitChanged(string number, int position) =>
        string.Concat(number.AsSpan(0, position), ((number[position] - '0' + 1) % 10).ToString(CultureInfo.InvariantCulture), number.AsSpan(position + 1));

    private static int? CheckDigit(string digits, int[] weights)
    {
        for (var candidate = 0; candidate <= 9; candidate++)
        {
            var sum = candidate * weights[digits.Length];
            for (var i = 0; i < digits.Length; i++)
            {
                sum += (digits[i] - '0') * weights[i];
            }
            if (sum % 11 == 0)
            {
                return candidate;
            }
        }
        return null;
    }
}
