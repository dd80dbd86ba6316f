using Journey.Domain.Privacy;
using static Journey.Domain.Tests.Privacy.TestIdentityNumbers;

namespace Journey.Domain.Tests.Privacy;

public sealed class IdentityNumberTests
{
    private static readonly DateOnly Today = new(2026, 6, 15);

    [Fact]
    public void the_test_helper_builds_numbers_whose_weighted_sums_are_divisible_by_eleven()
    {
        var number = Build(15, 3, 90);

        Assert.Equal(11, number.Length);
        Assert.True(HasValidCheckDigits(number));
        Assert.StartsWith("150390", number, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(15, 3, IdentityNumberKind.Fodselsnummer)]
    [InlineData(55, 3, IdentityNumberKind.DNumber)]
    [InlineData(15, 83, IdentityNumberKind.SyntheticTenor)]
    [InlineData(15, 43, IdentityNumberKind.SyntheticDolly)]
    [InlineData(55, 83, IdentityNumberKind.SyntheticTenorDNumber)]
    [InlineData(55, 43, IdentityNumberKind.SyntheticDollyDNumber)]
    public void each_kind_of_number_is_recognised_with_its_true_birth_date(int day, int month, IdentityNumberKind kind)
    {
        var check = IdentityNumber.Validate(Build(day, month, 90), Today);

        Assert.True(check.IsValid, check.Error);
        Assert.Equal(kind, check.Kind);
        Assert.Equal(new DateOnly(1990, 3, 15), check.BirthDate);
        Assert.Equal(day > 40, check.IsDNumber);
        Assert.Equal(month > 12, check.IsSynthetic);
    }

    [Theory]
    [InlineData(90, 123, 1990)]
    [InlineData(90, 400, 1990)]
    [InlineData(60, 500, 1860)]
    [InlineData(54, 700, 1854)]
    [InlineData(10, 500, 2010)]
    [InlineData(10, 800, 2010)]
    [InlineData(0, 950, 2000)]
    [InlineData(60, 900, 1960)]
    [InlineData(40, 950, 1940)]
    public void the_individual_number_places_the_year_in_its_century(int year, int individualFrom, int expectedYear)
    {
        var number = Build(1, 7, year, individualFrom);

        var check = IdentityNumber.Validate(number, Today);

        Assert.True(check.IsValid, check.Error);
        Assert.Equal(expectedYear, check.BirthDate.Value.Year);
    }

    [Theory]
    [InlineData(45, 500)]
    [InlineData(53, 700)]
    [InlineData(60, 750)]
    [InlineData(99, 850)]
    public void an_individual_number_that_fits_no_century_for_its_year_is_invalid(int year, int individual)
    {
        // Stay inside the range that has no century, whichever individual number first admits check digits.
        var number = Enumerable.Range(individual, 40)
            .Select(i => TryBuild(1, 7, year, i, out var n) ? n : null)
            .First(n => n is not null)!;

        Assert.Equal(IdentityNumber.NoCentury, IdentityNumber.Validate(number, Today).Error);
    }

    [Fact]
    public void a_wrong_first_check_digit_is_refused()
    {
        var valid = Build(15, 3, 90);
        var k1 = valid[9] - '0';
        var wrong = WithDigit(valid, 9, (k1 + 1) % 10);

        Assert.Equal(IdentityNumber.WrongFirstCheckDigit, IdentityNumber.Validate(wrong, Today).Error);
    }

    [Fact]
    public void a_wrong_second_check_digit_is_refused()
    {
        var valid = Build(15, 3, 90);
        var k2 = valid[10] - '0';
        var wrong = WithDigit(valid, 10, (k2 + 1) % 10);

        Assert.Equal(IdentityNumber.WrongSecondCheckDigit, IdentityNumber.Validate(wrong, Today).Error);
    }

    [Fact]
    public void a_prefix_whose_first_check_digit_would_be_ten_gives_no_valid_number_at_all()
    {
        var prefix = PrefixWithoutFirstCheckDigit(15, 3, 90);

        for (var k1 = 0; k1 <= 9; k1++)
        {
            for (var k2 = 0; k2 <= 9; k2++)
            {
                Assert.False(IdentityNumber.Validate($"{prefix}{k1}{k2}", Today).IsValid);
            }
        }
    }

    [Theory]
    [InlineData(31, 2, 90)] // the 31st of February
    [InlineData(30, 2, 0, 500)] // the 30th of February 2000
    [InlineData(29, 2, 0, 100)] // 1900 was not a leap year
    [InlineData(31, 4, 90)] // April has 30 days
    [InlineData(70, 2, 90)] // a D-number for the 30th of February
    [InlineData(31, 86, 90)] // a synthetic number for the 31st of June
    public void a_date_part_that_is_not_a_calendar_date_is_refused(int day, int month, int year, int individualFrom = 123)
    {
        Assert.Equal(IdentityNumber.NotACalendarDate, IdentityNumber.Validate(Build(day, month, year, individualFrom), Today).Error);
    }

    [Fact]
    public void the_29th_of_february_in_a_leap_year_is_valid()
    {
        var check = IdentityNumber.Validate(Build(29, 2, 0, 500), Today);

        Assert.Equal(new DateOnly(2000, 2, 29), check.BirthDate);
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(32, 3)]
    [InlineData(40, 3)]
    [InlineData(72, 3)]
    [InlineData(92, 3)]
    public void a_day_out_of_range_is_refused(int day, int month)
    {
        Assert.Equal(IdentityNumber.BadDay, IdentityNumber.Validate(Build(day, month, 90), Today).Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(40)]
    [InlineData(53)]
    [InlineData(80)]
    [InlineData(93)]
    public void a_month_out_of_range_is_refused(int month)
    {
        Assert.Equal(IdentityNumber.BadMonth, IdentityNumber.Validate(Build(15, month, 90), Today).Error);
    }

    [Fact]
    public void a_birth_date_after_today_is_refused_and_today_is_accepted()
    {
        var born = Build(16, 6, 26, 500);

        Assert.Equal(IdentityNumber.FutureBirthDate, IdentityNumber.Validate(born, Today).Error);
        Assert.True(IdentityNumber.Validate(born, Today.AddDays(1)).IsValid);
    }

    [Fact]
    public void without_an_explicit_date_a_number_born_next_year_is_in_the_future()
    {
        var nextYear = DateTime.UtcNow.Year + 1 - 2000;

        Assert.Equal(IdentityNumber.FutureBirthDate, IdentityNumber.Validate(Build(31, 12, nextYear, 500)).Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1503901234")]
    [InlineData("150390123456")]
    [InlineData("1503901234a")]
    [InlineData("150390 12345")]
    [InlineData("１５０３９０１２３４５")] // full-width digits
    [InlineData("١٥٠٣٩٠١٢٣٤٥")] // Arabic-Indic digits: char.IsDigit says yes, ASCII says no
    public void anything_but_eleven_ascii_digits_does_not_look_like_an_identity_number(string value)
    {
        Assert.False(IdentityNumber.LooksLikeIdentityNumber(value));
        Assert.Equal(IdentityNumber.NotElevenDigits, IdentityNumber.Validate(value, Today).Error);
    }

    [Fact]
    public void eleven_ascii_digits_look_like_an_identity_number_whether_valid_or_not()
    {
        Assert.True(IdentityNumber.LooksLikeIdentityNumber("00000000000"));
        Assert.True(IdentityNumber.LooksLikeIdentityNumber(Build(15, 3, 90)));
    }

    [Fact]
    public void no_error_message_contains_a_digit()
    {
        Assert.Equal(8, IdentityNumber.Errors.Length);
        Assert.All(IdentityNumber.Errors, error => Assert.DoesNotContain(error, char.IsDigit));
    }

    [Theory]
    [InlineData(1854, 1, 1)]
    [InlineData(1899, 12, 31)]
    [InlineData(1920, 2, 29)]
    [InlineData(1975, 6, 30)]
    [InlineData(2000, 2, 29)]
    [InlineData(2024, 11, 5)]
    public void a_synthetic_number_validates_as_tenor_with_its_birth_date(int year, int month, int day)
    {
        var birthDate = new DateOnly(year, month, day);

        var number = IdentityNumber.CreateSynthetic(new Random(7), birthDate);
        var check = IdentityNumber.Validate(number);

        Assert.True(check.IsValid, check.Error);
        Assert.Equal(IdentityNumberKind.SyntheticTenor, check.Kind);
        Assert.Equal(birthDate, check.BirthDate);
        Assert.True(HasValidCheckDigits(number));
    }

    [Fact]
    public void synthetic_numbers_follow_from_the_seed()
    {
        var birthDate = new DateOnly(1984, 4, 1);
        List<string> Draw(int seed)
        {
            var random = new Random(seed);
            return [.. Enumerable.Range(0, 20).Select(_ => IdentityNumber.CreateSynthetic(random, birthDate))];
        }

        var first = Draw(42);

        Assert.Equal(first, Draw(42));
        Assert.True(first.Distinct().Count() > 1);
    }

    [Theory]
    [InlineData(1853, 12, 31)]
    [InlineData(2040, 1, 1)]
    public void a_synthetic_number_cannot_encode_a_year_outside_the_century_rules(int year, int month, int day)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IdentityNumber.CreateSynthetic(new Random(1), new DateOnly(year, month, day)));
    }

    [Fact]
    public void a_synthetic_number_is_not_created_for_a_birth_date_in_the_future()
    {
        var nextYear = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => IdentityNumber.CreateSynthetic(new Random(1), nextYear));
    }
}
