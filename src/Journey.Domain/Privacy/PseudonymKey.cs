using System.Security.Cryptography;

namespace Journey.Domain.Privacy;

/// <summary>
/// The secret that turns person identifiers into pseudonyms. The id is part of every pseudonym, so a
/// new key can be introduced without mixing its pseudonyms with the old key's. Never logged or printed.
/// </summary>
public sealed record PseudonymKey(string Id, byte[] Secret)
{
    public const int MinSecretLength = 32;
    public const int MaxIdLength = 8;

    public string Id { get; } = CheckId(Id) is { } problem ? throw new ArgumentException(problem, nameof(Id)) : Id;

    // Copied, so later changes to the caller's array cannot change the key behind a pseudonymiser's back.
    public byte[] Secret { get; } = CheckSecret(Secret) is { } problem ? throw new ArgumentException(problem, nameof(Secret)) : (byte[])Secret.Clone();

    /// <summary>A new key with <see cref="MinSecretLength"/> bytes from a cryptographic random generator.</summary>
    public static PseudonymKey Generate(string id) => new(id, RandomNumberGenerator.GetBytes(MinSecretLength));

    /// <summary>The key as one line for a key file or a configuration value: <c>{id}:{base64 secret}</c>.</summary>
    public string ToText() => $"{Id}:{Convert.ToBase64String(Secret)}";

    /// <summary>Reads <see cref="ToText"/>'s format; surrounding whitespace is ignored.</summary>
    /// <exception cref="FormatException">The text is not a valid key; the message never contains the secret.</exception>
    public static PseudonymKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.AsSpan().Trim();
        var colon = trimmed.IndexOf(':');
        if (colon < 0)
        {
            throw new FormatException("A pseudonym key must have the form 'keyid:base64secret'.");
        }
        var id = trimmed[..colon].ToString();
        if (CheckId(id) is { } idProblem)
        {
            throw new FormatException(idProblem);
        }
        var encoded = trimmed[(colon + 1)..];
        var secret = new byte[encoded.Length];
        if (!Convert.TryFromBase64Chars(encoded, secret, out var length))
        {
            throw new FormatException("The pseudonym key's secret is not valid base64.");
        }
        if (CheckSecret(secret[..length]) is { } secretProblem)
        {
            throw new FormatException(secretProblem);
        }
        return new PseudonymKey(id, secret[..length]);
    }

    public bool Equals(PseudonymKey? other) =>
        other is not null && Id == other.Id && CryptographicOperations.FixedTimeEquals(Secret, other.Secret);

    public override int GetHashCode() => Id.GetHashCode(StringComparison.Ordinal);

    // Records print every member by default; the secret must never reach a log.
    public override string ToString() => $"PseudonymKey {{ Id = {Id} }}";

    private static string? CheckId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && !id.AsSpan().ContainsAnyExcept(IdCharacters)
            ? null
            : "A pseudonym key id must be one to eight lowercase ASCII letters or digits.";

    private static string? CheckSecret(byte[]? secret) =>
        secret is { Length: >= MinSecretLength } ? null : "A pseudonym key's secret must be at least 32 bytes.";

    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");
}
