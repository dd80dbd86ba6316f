using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace Journey.Domain.Events;

/// <summary>
/// Reads the fold's fields straight from the exact bytes <see cref="JourneyEventJson.Serialize"/> writes: its
/// fields in its order, no whitespace, and values of printable ASCII without escapes (the writer escapes
/// everything else, and the offset's '+' of an instant, which <see cref="JourneyEventJson.TryParseStoredInstant"/>
/// reads). Nearly every stored event has that form, and reading it is a few comparisons instead of a JSON
/// tokeniser's work. Anything else, the smallest deviation included, is refused here and read by the general
/// decoder; so for every input this gives what the general decoder gives, or nothing.
/// </summary>
internal ref struct WrittenLayout(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> data = data;
    private int at;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryDecode(ReadOnlySpan<byte> data, out JourneyEventFields fields)
    {
        fields = default;
        var layout = new WrittenLayout(data);
        if (!layout.Literal("{\"eventId\":\""u8)
            || !layout.Value(out var eventId)
            || !Utf8Parser.TryParse(eventId, out Guid _, out var consumed, 'D') || consumed != eventId.Length
            || !layout.Literal(",\"journeyType\":\""u8) || !layout.Value(out var journeyType)
            || !layout.Literal(",\"agency\":\""u8) || !layout.Value(out _)
            || !layout.Literal(",\"activity\":\""u8) || !layout.Value(out var activity)
            || !layout.Literal(",\"subject\":\""u8) || !layout.Value(out var subject))
        {
            return false;
        }
        if (layout.Literal(",\"related\":["u8) && !layout.Related())
        {
            return false;
        }
        if (!layout.Literal(",\"occurredAt\":\""u8) || !layout.Instant(out var occurredAt)
            || !layout.Literal(",\"initiator\":\""u8) || !layout.Value(out var initiatorName)
            || !layout.Literal(",\"lifecycle\":\""u8) || !layout.Value(out var lifecycle)
            || !(lifecycle.SequenceEqual("start"u8) || lifecycle.SequenceEqual("complete"u8)))
        {
            return false;
        }
        Initiator initiator;
        if (initiatorName.SequenceEqual("citizen"u8))
        {
            initiator = Initiator.Citizen;
        }
        else if (initiatorName.SequenceEqual("agency"u8))
        {
            initiator = Initiator.Agency;
        }
        else if (initiatorName.SequenceEqual("automatic"u8))
        {
            initiator = Initiator.Automatic;
        }
        else
        {
            return false;
        }
        if (layout.Literal(",\"caseRef\":\""u8) && !layout.Value(out _))
        {
            return false;
        }
        if (layout.Literal(",\"attributes\":{"u8) && !layout.Attributes())
        {
            return false;
        }
        if (!layout.Literal("}"u8) || layout.at != data.Length)
        {
            return false;
        }
        fields = new JourneyEventFields(journeyType, activity, subject, occurredAt, initiator);
        return true;
    }

    // Moves past the expected bytes, or stays and says no.
    private bool Literal(ReadOnlySpan<byte> expected)
    {
        if (!data[at..].StartsWith(expected))
        {
            return false;
        }
        at += expected.Length;
        return true;
    }

    // The rest of a string value whose opening quote is read: printable ASCII up to the closing quote, no escapes.
    // One scan finds the first byte that is not plain text: it must be that quote.
    private bool Value(out ReadOnlySpan<byte> value)
    {
        var rest = data[at..];
        var end = rest.IndexOfAnyExcept(Plain);
        value = end < 0 ? default : rest[..end];
        if (end < 0 || rest[end] != (byte)'"')
        {
            return false;
        }
        at += end + 1;
        return true;
    }

    private static readonly SearchValues<byte> Plain = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Where(b => b is not ('\\' or '"')).Select(b => (byte)b)]);

    // An instant as the writer writes it: printable ASCII whose only escape is the offset's '+'.
    private bool Instant(out DateTimeOffset instant)
    {
        instant = default;
        var rest = data[at..];
        var quote = rest.IndexOf((byte)'"');
        if (quote < 0 || rest[..quote].IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0
            || !JourneyEventJson.TryParseStoredInstant(rest[..quote], out instant))
        {
            return false;
        }
        at += quote + 1;
        return true;
    }

    // The related people after the opening bracket: {"role":…,"person":…} objects, comma-separated, then ']'.
    private bool Related()
    {
        if (Literal("]"u8))
        {
            return true;
        }
        do
        {
            if (!Literal("{\"role\":\""u8) || !Value(out _) || !Literal(",\"person\":\""u8) || !Value(out _) || !Literal("}"u8))
            {
                return false;
            }
        }
        while (Literal(","u8));
        return Literal("]"u8);
    }

    // The attributes after the opening brace: "key":"value" pairs, comma-separated, then '}'.
    private bool Attributes()
    {
        if (Literal("}"u8))
        {
            return true;
        }
        do
        {
            if (!Literal("\""u8) || !Value(out _) || !Literal(":\""u8) || !Value(out _))
            {
                return false;
            }
        }
        while (Literal(","u8));
        return Literal("}"u8);
    }
}
