namespace Journey.Domain.Privacy;

/// <summary>
/// The person fields of an event (subject and related persons): either a national identity number
/// (eleven digits, which must then be a valid one) or an agency's opaque id.
/// </summary>
public static class PersonIdentifier
{
    public const int MaxOpaqueLength = 128;

    // Constant texts without digits: an error must not echo any part of the value it refuses.
    internal const string Empty = "must not be empty";
    internal const string TooLong = "must be an identity number, or an opaque id of at most one hundred and twenty-eight characters";
    internal const string BadCharacters =
        "must be an identity number, or an opaque id of ASCII letters, digits and the characters . _ : - that starts with a letter or digit";
    internal const string EmbedsIdentityNumber = "is an opaque id with an identity number inside it; send the identity number on its own";

    internal static readonly string[] Errors = [Empty, TooLong, BadCharacters, EmbedsIdentityNumber, .. IdentityNumber.Errors];

    /// <summary>Null when <paramref name="raw"/> is acceptable; otherwise why not, without echoing the value.</summary>
    public static string? Validate(string raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return Empty;
        }
        if (IdentityNumber.LooksLikeIdentityNumber(raw))
        {
            return IdentityNumber.Validate(raw).Error;
        }
        if (raw.Length > MaxOpaqueLength)
        {
            return TooLong;
        }
        if (!char.IsAsciiLetterOrDigit(raw[0]))
        {
            return BadCharacters;
        }
        foreach (var c in raw)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or ':' or '-'))
            {
                return BadCharacters;
            }
        }
        // An id like "fnr:<number>" would carry the number past pseudonymisation into stored case
        // references and logs; refuse any eleven-digit window that is a valid identity number.
        return ContainsIdentityNumber(raw) ? EmbedsIdentityNumber : null;
    }

    /// <summary>
    /// Whether any eleven consecutive digits in <paramref name="value"/> are a valid identity number: for
    /// free-text fields (case references, attribute values) that must not carry a person past the door.
    /// </summary>
    public static bool ContainsIdentityNumber(string value) =>
        value is not null && ContainsIdentityNumber(value.AsSpan());

    private static bool ContainsIdentityNumber(ReadOnlySpan<char> value)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(14));
        var run = 0;
        for (var i = 0; i < value.Length; i++)
        {
            run = char.IsAsciiDigit(value[i]) ? run + 1 : 0;
            if (run >= IdentityNumber.Length
                && IdentityNumber.Validate(value.Slice(i + 1 - IdentityNumber.Length, IdentityNumber.Length), today).IsValid)
            {
                return true;
            }
        }
        return false;
    }
}
