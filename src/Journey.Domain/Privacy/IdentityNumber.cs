using System.Diagnostics.CodeAnalysis;

namespace Journey.Domain.Privacy;

/// <summary>What kind of Norwegian identity number a valid number is.</summary>
public enum IdentityNumberKind
{
    /// <summary>An ordinary fødselsnummer, assigned by Folkeregisteret.</summary>
    Fodselsnummer,
    /// <summary>A D-number for a person not (yet) resident: 40 is added to the day.</summary>
    DNumber,
    /// <summary>A synthetic test number from Skatteetaten's Tenor: 80 is added to the month.</summary>
    SyntheticTenor,
    /// <summary>A synthetic test number from NAV's Dolly: 40 is added to the month.</summary>
    SyntheticDolly,
    /// <summary>A synthetic D-number from Tenor: 40 added to the day and 80 to the month.</summary>
    SyntheticTenorDNumber,
    /// <summary>A synthetic D-number from Dolly: 40 added to the day and 40 to the month.</summary>
    SyntheticDollyDNumber,
}

/// <summary>
/// The result of <see cref="IdentityNumber.Validate(string)"/>: the kind and birth date of a valid number,
/// or an error that never contains the number or any digit.
/// </summary>
public readonly record struct IdentityNumberCheck
{
    private IdentityNumberCheck(IdentityNumberKind? kind, DateOnly? birthDate, string? error)
    {
        Kind = kind;
        BirthDate = birthDate;
        Error = error;
    }

    public IdentityNumberKind? Kind { get; }

    /// <summary>The birth date the number encodes (offsets for D-numbers and synthetic numbers removed).</summary>
    public DateOnly? BirthDate { get; }

    /// <summary>Why the number is invalid; null when it is valid.</summary>
    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Kind), nameof(BirthDate))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Error is null;

    public bool IsDNumber => Kind is IdentityNumberKind.DNumber or IdentityNumberKind.SyntheticTenorDNumber or IdentityNumberKind.SyntheticDollyDNumber;

    public bool IsSynthetic => Kind is IdentityNumberKind.SyntheticTenor or IdentityNumberKind.SyntheticDolly
        or IdentityNumberKind.SyntheticTenorDNumber or IdentityNumberKind.SyntheticDollyDNumber;

    internal static IdentityNumberCheck Valid(IdentityNumberKind kind, DateOnly birthDate) => new(kind, birthDate, null);

    internal static IdentityNumberCheck Invalid(string error) => new(null, null, error);
}

/// <summary>
/// Norwegian national identity numbers (fødselsnummer), D-numbers and the synthetic test numbers of Tenor
/// and Dolly: eleven digits DDMMYY III K1 K2, where III is the individual number and K1, K2 are
/// modulus-11 check digits.
/// </summary>
public static class IdentityNumber
{
    public const int Length = 11;

    // The texts are constants with no digits: an error must never reveal any part of a person's number.
    internal const string NotElevenDigits = "is not a valid identity number: it must be exactly eleven digits";
    internal const string WrongFirstCheckDigit = "is not a valid identity number: the first check digit is wrong";
    internal const string WrongSecondCheckDigit = "is not a valid identity number: the second check digit is wrong";
    internal const string BadDay = "is not a valid identity number: the day is out of range";
    internal const string BadMonth = "is not a valid identity number: the month is out of range";
    internal const string NoCentury = "is not a valid identity number: the individual number fits no century for the year";
    internal const string NotACalendarDate = "is not a valid identity number: the date part is not a real calendar date";
    internal const string FutureBirthDate = "is not a valid identity number: the birth date is in the future";

    internal static readonly string[] Errors =
    [
        NotElevenDigits, WrongFirstCheckDigit, WrongSecondCheckDigit, BadDay, BadMonth, NoCentury, NotACalendarDate, FutureBirthDate,
    ];

    private static ReadOnlySpan<byte> FirstWeights => [3, 7, 6, 1, 8, 9, 4, 5, 2];
    private static ReadOnlySpan<byte> SecondWeights => [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

    private const int DNumberDayOffset = 40;
    private const int DollyMonthOffset = 40;
    private const int TenorMonthOffset = 80;

    /// <summary>Exactly eleven ASCII digits: the shape of an identity number, valid or not.</summary>
    public static bool LooksLikeIdentityNumber(string value) =>
        value is not null && LooksLikeIdentityNumber(value.AsSpan());

    internal static bool LooksLikeIdentityNumber(ReadOnlySpan<char> value) =>
        value.Length == Length && !value.ContainsAnyExceptInRange('0', '9');

    /// <summary>Validates check digits and date part; a birth date after today (anywhere on Earth) is refused.</summary>
    public static IdentityNumberCheck Validate(string value) => Validate(value, LatestToday());

    /// <summary>Validates as if <paramref name="today"/> were the current date.</summary>
    public static IdentityNumberCheck Validate(string value, DateOnly today) =>
        value is null ? IdentityNumberCheck.Invalid(NotElevenDigits) : Validate(value.AsSpan(), today);

    internal static IdentityNumberCheck Validate(ReadOnlySpan<char> value, DateOnly today)
    {
        if (!LooksLikeIdentityNumber(value))
        {
            return IdentityNumberCheck.Invalid(NotElevenDigits);
        }
        Span<int> d = stackalloc int[Length];
        for (var i = 0; i < Length; i++)
        {
            d[i] = value[i] - '0';
        }
        if (CheckDigit(d[..9], FirstWeights) != d[9])
        {
            return IdentityNumberCheck.Invalid(WrongFirstCheckDigit);
        }
        if (CheckDigit(d[..10], SecondWeights) != d[10])
        {
            return IdentityNumberCheck.Invalid(WrongSecondCheckDigit);
        }

        var day = d[0] * 10 + d[1];
        var month = d[2] * 10 + d[3];
        var year = d[4] * 10 + d[5];
        var individual = d[6] * 100 + d[7] * 10 + d[8];

        var dNumber = day > DNumberDayOffset;
        if (dNumber)
        {
            day -= DNumberDayOffset;
        }
        if (day is < 1 or > 31)
        {
            return IdentityNumberCheck.Invalid(BadDay);
        }

        var synthetic = month switch
        {
            >= 1 and <= 12 => 0,
            > DollyMonthOffset and <= DollyMonthOffset + 12 => DollyMonthOffset,
            > TenorMonthOffset and <= TenorMonthOffset + 12 => TenorMonthOffset,
            _ => -1,
        };
        if (synthetic < 0)
        {
            return IdentityNumberCheck.Invalid(BadMonth);
        }
        month -= synthetic;

        var century = Century(individual, year);
        if (century < 0)
        {
            return IdentityNumberCheck.Invalid(NoCentury);
        }
        var fullYear = century + year;
        if (day > DateTime.DaysInMonth(fullYear, month))
        {
            return IdentityNumberCheck.Invalid(NotACalendarDate);
        }
        var birthDate = new DateOnly(fullYear, month, day);
        if (birthDate > today)
        {
            return IdentityNumberCheck.Invalid(FutureBirthDate);
        }

        var kind = (synthetic, dNumber) switch
        {
            (0, false) => IdentityNumberKind.Fodselsnummer,
            (0, true) => IdentityNumberKind.DNumber,
            (TenorMonthOffset, false) => IdentityNumberKind.SyntheticTenor,
            (TenorMonthOffset, true) => IdentityNumberKind.SyntheticTenorDNumber,
            (_, false) => IdentityNumberKind.SyntheticDolly,
            (_, true) => IdentityNumberKind.SyntheticDollyDNumber,
        };
        return IdentityNumberCheck.Valid(kind, birthDate);
    }

    /// <summary>
    /// A valid synthetic number in Tenor's style (80 added to the month) for <paramref name="birthDate"/>,
    /// drawn only from <paramref name="random"/>, so a seeded generator gives the same numbers every run.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The date is outside 1854–2039 or in the future.</exception>
    public static string CreateSynthetic(Random random, DateOnly birthDate)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (birthDate > LatestToday())
        {
            throw new ArgumentOutOfRangeException(nameof(birthDate), "A birth date in the future would not validate.");
        }
        var individuals = IndividualNumbers(birthDate.Year);
        Span<int> d = stackalloc int[Length];
        Digits(d, 0, birthDate.Day);
        Digits(d, 2, birthDate.Month + TenorMonthOffset);
        Digits(d, 4, birthDate.Year % 100);
        while (true)
        {
            var individual = individuals[random.Next(individuals.Length)];
            d[6] = individual / 100;
            d[7] = individual / 10 % 10;
            d[8] = individual % 10;
            // About one individual number in six gives a check digit of 10 and cannot be used.
            d[9] = CheckDigit(d[..9], FirstWeights);
            if (d[9] < 0)
            {
                continue;
            }
            d[10] = CheckDigit(d[..10], SecondWeights);
            if (d[10] < 0)
            {
                continue;
            }
            Span<char> chars = stackalloc char[Length];
            for (var i = 0; i < Length; i++)
            {
                chars[i] = (char)('0' + d[i]);
            }
            return new string(chars);
        }
    }

    /// <summary>The modulus-11 check digit, or -1 when the remainder makes it 10 (no valid number).</summary>
    private static int CheckDigit(ReadOnlySpan<int> digits, ReadOnlySpan<byte> weights)
    {
        var sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += digits[i] * weights[i];
        }
        var check = 11 - sum % 11;
        return check switch
        {
            11 => 0,
            10 => -1,
            _ => check,
        };
    }

    /// <summary>The century the individual number places a two-digit year in, or -1.</summary>
    private static int Century(int individual, int year) => individual switch
    {
        <= 499 => 1900,
        <= 749 when year >= 54 => 1800,
        >= 500 when year <= 39 => 2000,
        >= 900 when year >= 40 => 1900,
        _ => -1,
    };

    // The individual numbers that place a birth year in its century: the inverse of Century().
    private static readonly int[] Individuals1800s = [.. Enumerable.Range(500, 250)];
    private static readonly int[] Individuals1900To1939 = [.. Enumerable.Range(0, 500)];
    private static readonly int[] Individuals1940To1999 = [.. Enumerable.Range(0, 500), .. Enumerable.Range(900, 100)];
    private static readonly int[] Individuals2000s = [.. Enumerable.Range(500, 500)];

    private static int[] IndividualNumbers(int year) => year switch
    {
        >= 1854 and <= 1899 => Individuals1800s,
        >= 1900 and <= 1939 => Individuals1900To1939,
        >= 1940 and <= 1999 => Individuals1940To1999,
        >= 2000 and <= 2039 => Individuals2000s,
        _ => throw new ArgumentOutOfRangeException(nameof(year), "Identity numbers encode birth years from 1854 to 2039 only."),
    };

    private static void Digits(Span<int> d, int at, int twoDigits)
    {
        d[at] = twoDigits / 10;
        d[at + 1] = twoDigits % 10;
    }

    // A number issued just after midnight in Norway must not count as future where the server's clock
    // is still on the previous day, so "today" is the date in the earliest time zone (UTC+14).
    private static DateOnly LatestToday() => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(14));
}
