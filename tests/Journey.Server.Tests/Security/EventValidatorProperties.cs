using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.Privacy;
using Journey.Server.Hosting;
using Journey.Server.Ingest;
using Journey.Server.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Security;

/// <summary>Properties of the door over generated events: what passes, what is refused, and what an answer may say.</summary>
public sealed partial class EventValidatorProperties
{
    private static readonly JourneyCatalog Catalog = CatalogLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "catalog"));
    private static readonly Pseudonymiser Pseudonymiser = new(PseudonymKey.Generate("prop1"));
    private static readonly EventValidator Validator = new(Catalog, Pseudonymiser, Options.Create(new JourneyOptions()), TimeProvider.System);
    private static readonly string[] Emitting = [.. Catalog.JourneyTypes.SelectMany(t => t.Activities).Select(a => a.Agency).Distinct().Order(StringComparer.Ordinal)];

    private static Arbitrary<int> Seeds() => Gen.Choose(0, int.MaxValue).ToArbitrary();

    private static RandomEvents From(int seed) => new(Catalog, new Random(seed));

    [Property(MaxTest = 2_000)]
    public Property a_valid_event_passes_and_what_is_stored_holds_no_identity_number() =>
        Prop.ForAll(Seeds(), seed =>
        {
            var agency = Emitting[seed % Emitting.Length];
            var e = From(seed).Valid(agency);

            if (!Validator.TryValidate(e, out var valid, out var violations))
            {
                return false;
            }

            var stored = Encoding.UTF8.GetString(JourneyEventJson.Serialize(valid!));
            return violations.Count == 0
                && valid!.Subject == Pseudonymiser.Pseudonymise(e.Subject)
                && valid.Related.Select(r => r.Person).SequenceEqual(e.Related.Select(r => Pseudonymiser.Pseudonymise(r.Person)))
                && PersonsOf(e).All(person => !stored.Contains(person, StringComparison.Ordinal));
        });

    [Property(MaxTest = 5_000)]
    public Property any_event_is_stored_as_sent_or_refused_with_violations_that_echo_no_identity_number() =>
        Prop.ForAll(Seeds(), seed =>
        {
            var e = From(seed).Any(Emitting[seed % Emitting.Length]);

            var passed = Validator.TryValidate(e, out var valid, out var violations);

            if (passed)
            {
                return violations.Count == 0 && valid!.Agency == e.Agency && valid.Activity == e.Activity && valid.JourneyType == e.JourneyType
                    && Guid.Parse(e.EventId) == valid.EventId;
            }
            var answer = string.Concat(violations.Select(v => v.Field + " " + v.Description));
            return valid is null
                && violations.Count > 0
                && violations.All(v => KnownField().IsMatch(v.Field))
                && ElevenDigits().Matches(Sent(e)).All(m => !answer.Contains(m.Value, StringComparison.Ordinal));
        });

    private static readonly (string Field, Action<Contract.JourneyEvent> Spoil)[] Spoilers =
    [
        ("event_id", e => e.EventId = "x" + e.EventId),
        ("journey_type", e => e.JourneyType += "-x"),
        ("activity", e => e.Activity += "-x"),
        ("subject", e => e.Subject = IdentityNumber.LooksLikeIdentityNumber(e.Subject) ? IdentityNumbers.WithDigitChanged(e.Subject, 10) : e.Subject + " x"),
        ("occurred_at", e => e.OccurredAt = e.OccurredAt.Replace("T", " ", StringComparison.Ordinal)),
        ("initiator", e => e.Initiator = Contract.Initiator.Unspecified),
        ("case_ref", e => e.CaseRef = new string('c', 600)),
        ("attributes[not-in-catalog]", e => e.Attributes["not-in-catalog"] = "x"),
    ];

    [Property(MaxTest = 2_000)]
    public Property spoiling_one_field_of_a_valid_event_is_reported_on_that_field() =>
        Prop.ForAll(Seeds(), Gen.Choose(0, Spoilers.Length - 1).ToArbitrary(), (seed, which) =>
        {
            var e = From(seed).Valid(Emitting[seed % Emitting.Length]);
            var (field, spoil) = Spoilers[which];
            spoil(e);

            var passed = Validator.TryValidate(e, out _, out var violations);

            return !passed && violations.Any(v => v.Field == field);
        });

    [Property(MaxTest = 2_000)]
    public Property a_valid_identity_number_inside_any_free_text_is_found() =>
        Prop.ForAll(Seeds(), Gen.ArrayOf(Gen.Elements('a', 'Z', ' ', '-', ':', '1', '9', 'æ', '.')).Select(c => new string(c)).ToArbitrary(), (seed, text) =>
        {
            var number = From(seed).Person();
            var at = seed % (text.Length + 1);
            // Letters around it, so it is a run of exactly its own eleven digits.
            var embedded = text[..at] + "x" + number + "x" + text[at..];
            return PersonIdentifier.ContainsIdentityNumber(embedded);
        });

    private static IEnumerable<string> PersonsOf(Contract.JourneyEvent e) =>
        new[] { e.Subject }.Concat(e.Related.Select(r => r.Person)).Where(IdentityNumber.LooksLikeIdentityNumber);

    private static string Sent(Contract.JourneyEvent e) =>
        string.Join(" ", [e.EventId, e.JourneyType, e.Agency, e.Activity, e.Subject, e.OccurredAt, e.CaseRef,
            .. e.Related.SelectMany(r => new[] { r.Role, r.Person }), .. e.Attributes.SelectMany(a => new[] { a.Key, a.Value })]);

    [GeneratedRegex(@"^(event_id|journey_type|agency|activity|subject|occurred_at|initiator|lifecycle|case_ref|attributes|attributes\[.*\]|related\[\d+\]\.(role|person))$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex KnownField();

    [GeneratedRegex(@"\d{11}", RegexOptions.CultureInvariant)]
    private static partial Regex ElevenDigits();
}
