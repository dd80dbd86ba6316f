using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Journey.Domain.Privacy;

/// <summary>
/// Replaces a person identifier by a keyed pseudonym: <c>{keyId}_{26 lowercase base32 characters}</c>, the
/// first 128 bits of HMAC-SHA256 over a domain-separated value. The same identifier and key always give the
/// same pseudonym, so a person's events meet in one journey; without the key it cannot be reversed or
/// recomputed from a guessed number. Safe to share between threads.
/// </summary>
public sealed class Pseudonymiser(PseudonymKey key)
{
    public const int HashCharacters = 26;

    // Part of the storage contract: changing it changes every pseudonym and splits every journey.
    // It keeps these MACs apart from anything else the same secret might ever be used for.
    private static ReadOnlySpan<byte> Domain => "journey.v1/person\n"u8;

    private static ReadOnlySpan<byte> Base32Alphabet => "abcdefghijklmnopqrstuvwxyz234567"u8;

    private const int StackLimit = 512;

    private readonly string keyId = key.Id;

    // One keyed HMAC state per thread: keyed once, so each call hashes only the value (the padded
    // key blocks are not recomputed), and reset after every use by GetHashAndReset.
    private readonly ThreadLocal<IncrementalHash> hmac = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key.Secret));

    public string KeyId => keyId;

    /// <summary>The pseudonym of <paramref name="personIdentifier"/>; surrounding whitespace is ignored.</summary>
    /// <remarks>Call <see cref="PersonIdentifier.Validate"/> first: this method pseudonymises whatever it is given.</remarks>
    public string Pseudonymise(string personIdentifier)
    {
        ArgumentNullException.ThrowIfNull(personIdentifier);
        var value = personIdentifier.AsSpan().Trim();
        if (value.IsEmpty)
        {
            throw new ArgumentException("A person identifier must not be empty.", nameof(personIdentifier));
        }

        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        Span<byte> mac = stackalloc byte[SHA256.HashSizeInBytes];
        var length = Encoding.UTF8.GetBytes(value, buffer);
        try
        {
            var state = hmac.Value!;
            state.AppendData(Domain);
            state.AppendData(buffer[..length]);
            state.GetHashAndReset(mac);
        }
        finally
        {
            // The buffer held an identity number; do not leave it in memory that is reused elsewhere.
            CryptographicOperations.ZeroMemory(buffer[..length]);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        Span<char> result = stackalloc char[keyId.Length + 1 + HashCharacters];
        keyId.AsSpan().CopyTo(result);
        result[keyId.Length] = '_';
        Base32(mac[..16], result[(keyId.Length + 1)..]);
        return new string(result);
    }

    // RFC 4648 base32 without padding, lowercase: 128 bits give 25 full characters and one of 3 bits.
    private static void Base32(ReadOnlySpan<byte> bytes, Span<char> output)
    {
        var buffer = 0;
        var bits = 0;
        var o = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                output[o++] = (char)Base32Alphabet[(buffer >> bits) & 31];
            }
        }
        if (bits > 0)
        {
            output[o] = (char)Base32Alphabet[(buffer << (5 - bits)) & 31];
        }
    }
}
