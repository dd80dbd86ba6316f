using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Journey.Domain.Privacy;

namespace Journey.Domain.Tests.Privacy;

public sealed class IdentityNumberProperties
{
    private static readonly DateOnly Earliest = new(1854, 1, 1);
    private static readonly int DaysToToday = DateOnly.FromDateTime(DateTime.UtcNow).DayNumber - Earliest.DayNumber;

    private static Arbitrary<(DateOnly BirthDate, int Seed)> BirthDates() =>
        (from days in Gen.Choose(0, DaysToToday)
         from seed in Gen.Choose(0, int.MaxValue)
         select (Earliest.AddDays(days), seed)).ToArbitrary();

    private static Arbitrary<string> ElevenDigits() =>
        Gen.ArrayOf(Gen.Choose(0, 9), 11).Select(digits => string.Concat(digits)).ToArbitrary();

    [Property(MaxTest = 1000)]
    public Property a_synthetic_number_always_validates_with_its_birth_date() =>
        Prop.ForAll(BirthDates(), sample =>
        {
            var number = IdentityNumber.CreateSynthetic(new Random(sample.Seed), sample.BirthDate);
            var check = IdentityNumber.Validate(number);
            return check.IsValid && check.Kind == IdentityNumberKind.SyntheticTenor && check.BirthDate == sample.BirthDate;
        });

    [Property(MaxTest = 1000)]
    public Property changing_any_single_digit_of_a_valid_number_makes_it_invalid() =>
        Prop.ForAll(BirthDates(), Gen.Choose(0, 10).ToArbitrary(), Gen.Choose(1, 9).ToArbitrary(), (sample, position, step) =>
        {
            var number = IdentityNumber.CreateSynthetic(new Random(sample.Seed), sample.BirthDate);
            var changed = TestIdentityNumbers.WithDigit(number, position, (number[position] - '0' + step) % 10);
            return !IdentityNumber.Validate(changed).IsValid;
        });

    [Property(MaxTest = 1000)]
    public Property an_error_for_eleven_digits_never_contains_a_digit() =>
        Prop.ForAll(ElevenDigits(), value =>
            IdentityNumber.Validate(value).Error is not { } error || !error.Any(char.IsDigit));

    [Property(MaxTest = 1000)]
    public bool an_error_never_contains_the_value(string? value)
    {
        if (value is null)
        {
            return true;
        }
        // Every error is one of a fixed set of texts, so none can carry any part of the value; the
        // containment check adds the plain reading for values long enough not to match by accident.
        var error = PersonIdentifier.Validate(value);
        return error is null
            || (PersonIdentifier.Errors.Contains(error) && (value.Trim().Length < 4 || !error.Contains(value, StringComparison.Ordinal)));
    }
}
