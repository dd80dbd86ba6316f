using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Journey.Domain.Privacy;

namespace Journey.Domain.Tests.Privacy;

public sealed partial class PseudonymiserProperties
{
    private static readonly Pseudonymiser First = new(PseudonymKey.Generate("k1"));
    private static readonly Pseudonymiser Second = new(PseudonymKey.Generate("k2"));
    private static readonly DateOnly Earliest = new(1854, 1, 1);
    private static readonly int DaysToToday = DateOnly.FromDateTime(DateTime.UtcNow).DayNumber - Earliest.DayNumber;

    private static Arbitrary<(string A, string B)> TwoNumbers() =>
        (from days in Gen.Choose(0, DaysToToday)
         from other in Gen.Choose(0, DaysToToday)
         from seed in Gen.Choose(0, int.MaxValue)
         let random = new Random(seed)
         select (IdentityNumber.CreateSynthetic(random, Earliest.AddDays(days)), IdentityNumber.CreateSynthetic(random, Earliest.AddDays(other)))).ToArbitrary();

    private static Arbitrary<string> Identifiers() =>
        Gen.OneOf(
            TwoNumbers().Generator.Select(pair => pair.A),
            Gen.NonEmptyListOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789.:_-".ToCharArray())).Select(chars => "x" + new string([.. chars])))
        .ToArbitrary();

    [Property(MaxTest = 2_000)]
    public Property the_same_identifier_always_gives_the_same_pseudonym_of_key_id_and_26_base32_characters() =>
        Prop.ForAll(Identifiers(), id =>
        {
            var pseudonym = First.Pseudonymise(id);
            return pseudonym == First.Pseudonymise(id) && Shape().IsMatch(pseudonym) && pseudonym.StartsWith("k1_", StringComparison.Ordinal);
        });

    [Property(MaxTest = 500)]
    public Property a_batch_gives_every_person_the_pseudonym_the_pseudonymiser_gives_however_they_repeat() =>
        Prop.ForAll(Gen.ListOf(Gen.Elements(0, 1, 2)).ToArbitrary(), Identifiers(), Identifiers(), (order, a, b) =>
        {
            // A run of one person, then another, then back: the batch remembers only the last.
            var people = new[] { a, b, " " + a };
            var batch = new BatchPseudonyms(First);
            return order.All(i => batch.Pseudonymise(people[i]) == First.Pseudonymise(people[i]));
        });

    [Property(MaxTest = 2_000)]
    public Property different_identity_numbers_give_different_pseudonyms() =>
        Prop.ForAll(TwoNumbers(), pair => pair.A == pair.B || First.Pseudonymise(pair.A) != First.Pseudonymise(pair.B));

    [Property(MaxTest = 2_000)]
    public Property another_key_gives_an_unrelated_pseudonym() =>
        Prop.ForAll(Identifiers(), id => First.Pseudonymise(id)[3..] != Second.Pseudonymise(id)[3..]);

    [Property(MaxTest = 2_000)]
    public Property a_pseudonym_never_carries_the_identifier_nor_looks_like_an_identity_number() =>
        Prop.ForAll(TwoNumbers(), pair =>
        {
            var pseudonym = First.Pseudonymise(pair.A);
            return !pseudonym.Contains(pair.A, StringComparison.Ordinal) && !ElevenDigits().IsMatch(pseudonym);
        });

    [GeneratedRegex("^[a-z0-9]{1,8}_[a-z2-7]{26}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    // Base32 has only the digits 2 to 7, so a pseudonym could look like an identity number only by a
    // one-in-a-hundred-million chance per position; a scanner for numbers must never flag one.
    [GeneratedRegex(@"\d{11}", RegexOptions.CultureInvariant)]
    private static partial Regex ElevenDigits();
}
