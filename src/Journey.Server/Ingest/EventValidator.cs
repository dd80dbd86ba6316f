using System.Globalization;
using System.Text.RegularExpressions;
using Journey.Domain.Catalog;
using Journey.Domain.Events;
using Journey.Domain.Privacy;
using Journey.Server.Hosting;
using Microsoft.Extensions.Options;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Ingest;

/// <summary>A problem with one field of an event, as google.rpc.BadRequest.FieldViolation carries it.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>
/// The door: checks an agency's event against the catalog and the rules of PRODUCT.md and replaces every
/// person by a keyed pseudonym. Nothing that fails here reaches a grain or the store, and no message it
/// writes echoes a person's identifier.
/// </summary>
public sealed partial class EventValidator(JourneyCatalog catalog, Pseudonymiser pseudonymiser, IOptions<JourneyOptions> options, TimeProvider time)
{
    // Agencies backfill history, so old events are fine; earlier than 1900 is a typo, later than a day
    // ahead a clock or offset error.
    private static readonly DateTimeOffset Earliest = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FutureTolerance = TimeSpan.FromDays(1);

    // Persons travel only in subject and related, where they are pseudonymised; anywhere else a number
    // would be stored as sent.
    private const string IdentityNumberInText = "contains an identity number; persons go only in subject and related, where they are pseudonymised";

    private readonly LimitsOptions limits = options.Value.Limits;

    /// <summary>Pseudonymises the subjects of one batch's events through one <see cref="BatchPseudonyms"/>.</summary>
    public BatchPseudonyms BeginBatch() => new(pseudonymiser);

    /// <summary>
    /// Validates and pseudonymises; returns the event to store or the violations. The subject goes through
    /// <paramref name="subjects"/> (from <see cref="BeginBatch"/>) when given.
    /// </summary>
    public bool TryValidate(Contract.JourneyEvent e, out JourneyEvent? valid, out List<FieldViolation> violations, BatchPseudonyms? subjects = null)
    {
        violations = [];
        valid = null;

        var eventId = Guid.Empty;
        if (string.IsNullOrEmpty(e.EventId))
        {
            violations.Add(new("event_id", "is required"));
        }
        else if (!Guid.TryParseExact(e.EventId, "D", out eventId) || eventId == Guid.Empty)
        {
            violations.Add(new("event_id", "must be a UUID in the form 8-4-4-4-12 hexadecimal digits"));
        }

        JourneyTypeDefinition? journeyType = null;
        if (string.IsNullOrEmpty(e.JourneyType))
        {
            violations.Add(new("journey_type", "is required"));
        }
        else if ((journeyType = catalog.FindJourneyType(e.JourneyType)) is null)
        {
            violations.Add(new("journey_type", $"'{Printable(e.JourneyType)}' is not a journey type in the catalog"));
        }

        if (string.IsNullOrEmpty(e.Agency))
        {
            violations.Add(new("agency", "is required"));
        }
        else if (catalog.FindAgency(e.Agency) is null)
        {
            violations.Add(new("agency", $"'{Printable(e.Agency)}' is not an agency in the catalog"));
        }

        ActivityDefinition? activity = null;
        if (string.IsNullOrEmpty(e.Activity))
        {
            violations.Add(new("activity", "is required"));
        }
        else if (journeyType is not null)
        {
            activity = journeyType.FindActivity(e.Activity);
            if (activity is null)
            {
                violations.Add(new("activity", $"'{Printable(e.Activity)}' is not an activity of journey type '{journeyType.Id}'"));
            }
            else if (!string.IsNullOrEmpty(e.Agency) && activity.Agency != e.Agency)
            {
                violations.Add(new("activity", $"'{activity.Code}' belongs to agency '{activity.Agency}', not '{Printable(e.Agency)}'"));
            }
        }

        if (string.IsNullOrEmpty(e.Subject))
        {
            violations.Add(new("subject", "is required"));
        }
        else if (PersonIdentifier.Validate(e.Subject) is { } subjectError)
        {
            violations.Add(new("subject", subjectError));
        }

        for (var i = 0; i < e.Related.Count; i++)
        {
            var r = e.Related[i];
            if (string.IsNullOrEmpty(r.Role))
            {
                violations.Add(new($"related[{i}].role", "is required"));
            }
            else if (journeyType is not null && !journeyType.RelatedRoles.Contains(r.Role))
            {
                violations.Add(new($"related[{i}].role", $"'{Printable(r.Role)}' is not a role of journey type '{journeyType.Id}'"));
            }
            if (string.IsNullOrEmpty(r.Person))
            {
                violations.Add(new($"related[{i}].person", "is required"));
            }
            else if (PersonIdentifier.Validate(r.Person) is { } personError)
            {
                violations.Add(new($"related[{i}].person", personError));
            }
        }

        var occurredAt = default(DateTimeOffset);
        if (string.IsNullOrEmpty(e.OccurredAt))
        {
            violations.Add(new("occurred_at", "is required"));
        }
        else if (!TryParseTimestamp(e.OccurredAt, out occurredAt))
        {
            violations.Add(new("occurred_at", "must be an RFC 3339 timestamp with a UTC offset, e.g. 2026-03-29T03:15:00+02:00"));
        }
        else if (occurredAt < Earliest)
        {
            violations.Add(new("occurred_at", "is before 1900"));
        }
        else if (occurredAt > time.GetUtcNow() + FutureTolerance)
        {
            violations.Add(new("occurred_at", "is more than a day in the future"));
        }

        var initiator = e.Initiator switch
        {
            Contract.Initiator.Citizen => Initiator.Citizen,
            Contract.Initiator.Agency => Initiator.Agency,
            Contract.Initiator.Automatic => Initiator.Automatic,
            _ => (Initiator?)null,
        };
        if (initiator is null)
        {
            violations.Add(new("initiator", "must be citizen, agency or automatic"));
        }

        var lifecycle = e.Lifecycle switch
        {
            Contract.Lifecycle.Unspecified or Contract.Lifecycle.Complete => Lifecycle.Complete,
            Contract.Lifecycle.Start => Lifecycle.Start,
            _ => (Lifecycle?)null,
        };
        if (lifecycle is null)
        {
            violations.Add(new("lifecycle", "must be start or complete"));
        }

        if (e.CaseRef.Length > limits.MaxValueLength || ContainsControl(e.CaseRef))
        {
            violations.Add(new("case_ref", $"must be at most {limits.MaxValueLength} printable characters"));
        }
        else if (PersonIdentifier.ContainsIdentityNumber(e.CaseRef))
        {
            violations.Add(new("case_ref", IdentityNumberInText));
        }

        if (e.Attributes.Count > limits.MaxAttributes)
        {
            violations.Add(new("attributes", $"at most {limits.MaxAttributes} attributes are allowed"));
        }
        // In key order, so violations come in the same order however the map was sent (most events have none).
        foreach (var (key, value) in e.Attributes.Count == 0 ? [] : (IEnumerable<KeyValuePair<string, string>>)e.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (activity is not null && !activity.Attributes.Contains(key))
            {
                violations.Add(new($"attributes[{Printable(key)}]", $"is not an attribute that '{activity.Code}' may carry"));
            }
            else if (value.Length > limits.MaxValueLength || ContainsControl(value))
            {
                violations.Add(new($"attributes[{Printable(key)}]", $"must be at most {limits.MaxValueLength} printable characters"));
            }
            else if (PersonIdentifier.ContainsIdentityNumber(value))
            {
                violations.Add(new($"attributes[{Printable(key)}]", IdentityNumberInText));
            }
        }

        if (violations.Count > 0)
        {
            return false;
        }

        var related = e.Related.Count == 0
            ? (IReadOnlyList<RelatedPerson>)[]
            : e.Related.Select(r => new RelatedPerson(r.Role, pseudonymiser.Pseudonymise(r.Person))).ToArray();
        var attributes = e.Attributes.Count == 0
            ? JourneyEventJson.EmptyAttributes
            : new Dictionary<string, string>(e.Attributes, StringComparer.Ordinal);

        valid = new JourneyEvent(
            eventId,
            journeyType!.Id,
            e.Agency,
            activity!.Code,
            subjects?.Pseudonymise(e.Subject) ?? pseudonymiser.Pseudonymise(e.Subject),
            related,
            occurredAt,
            initiator!.Value,
            lifecycle!.Value,
            string.IsNullOrEmpty(e.CaseRef) ? null : e.CaseRef,
            attributes);
        return true;
    }

    /// <summary>RFC 3339 with an explicit offset; up to 9 fractional digits (beyond 100 ns are dropped).</summary>
    public static bool TryParseTimestamp(string value, out DateTimeOffset timestamp) =>
        Rfc3339.TryParse(value.AsSpan(), maxFractionDigits: 9, out timestamp);

    private static bool ContainsControl(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A value as it may be echoed back so the caller sees what was wrong: bounded, printable, and with
    /// any long run of digits masked, so an identity number sent in the wrong field never comes back.
    /// </summary>
    public static string Printable(string value)
    {
        var shown = value.Length > 64 ? value[..64] + "…" : value;
        shown = LongDigitRun().Replace(shown, "***");
        return ContainsControl(shown) ? new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray()) : shown;
    }

    [GeneratedRegex(@"\d{5,}", RegexOptions.CultureInvariant)]
    private static partial Regex LongDigitRun();
}
