using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Journey.Domain.Events;
using Journey.Domain.Privacy;
using static Journey.Domain.Tests.Privacy.TestIdentityNumbers;

namespace Journey.Domain.Tests.Privacy;

public sealed partial class PseudonymiserTests
{
    private static readonly PseudonymKey FixedKey = new("k1", [.. Enumerable.Range(0, 32).Select(i => (byte)i)]);

    [Fact]
    public void the_same_identifier_and_key_give_the_same_pseudonym()
    {
        var number = Build(15, 3, 90);

        Assert.Equal(new Pseudonymiser(FixedKey).Pseudonymise(number), new Pseudonymiser(FixedKey).Pseudonymise(number));
    }

    [Fact]
    public void different_keys_give_different_pseudonyms()
    {
        var number = Build(15, 3, 90);
        var first = new Pseudonymiser(PseudonymKey.Generate("k1")).Pseudonymise(number);
        var second = new Pseudonymiser(PseudonymKey.Generate("k1")).Pseudonymise(number);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void different_identifiers_give_different_pseudonyms()
    {
        var pseudonymiser = new Pseudonymiser(FixedKey);
        var pseudonyms = Enumerable.Range(1, 28).Select(day => pseudonymiser.Pseudonymise(Build(day, 3, 90))).ToList();

        Assert.Equal(pseudonyms.Count, pseudonyms.Distinct().Count());
    }

    [Theory]
    [InlineData("nav-case-42")]
    [InlineData("A")]
    [InlineData("k1")]
    public void a_pseudonym_has_the_key_id_and_26_base32_characters_and_never_the_input(string input)
    {
        var pseudonym = new Pseudonymiser(FixedKey).Pseudonymise(input);

        Assert.Matches(PseudonymShape(), pseudonym);
        Assert.DoesNotContain(input, pseudonym[3..], StringComparison.Ordinal);
    }

    [Fact]
    public void a_pseudonym_of_an_identity_number_shares_no_digit_run_with_it()
    {
        var number = Build(15, 3, 90);

        var pseudonym = new Pseudonymiser(FixedKey).Pseudonymise(number);

        Assert.DoesNotContain(number, pseudonym, StringComparison.Ordinal);
        Assert.DoesNotMatch("[0-9]{3}", pseudonym);
    }

    [Fact]
    public void a_pseudonym_fits_in_a_stream_name()
    {
        var pseudonym = new Pseudonymiser(FixedKey).Pseudonymise(Build(15, 3, 90));

        var stream = new JourneyId("fa-barn", pseudonym).StreamName;

        Assert.DoesNotContain('/', stream);
        Assert.DoesNotContain(' ', stream);
        Assert.EndsWith("-" + pseudonym, stream, StringComparison.Ordinal);
    }

    [Fact]
    public void surrounding_whitespace_does_not_change_the_pseudonym()
    {
        var pseudonymiser = new Pseudonymiser(FixedKey);

        Assert.Equal(pseudonymiser.Pseudonymise("nav-case-42"), pseudonymiser.Pseudonymise(" nav-case-42\n"));
    }

    [Fact]
    public void the_pseudonym_is_the_first_128_bits_of_hmac_sha256_over_the_domain_and_value()
    {
        // Independent computation with the framework's HMAC class and a bit-string base32.
        var mac = HMACSHA256.HashData(FixedKey.Secret, "journey.v1/person\nnav-case-42"u8);
        var bits = string.Concat(mac.Take(16).Select(b => Convert.ToString(b, 2).PadLeft(8, '0'))).PadRight(130, '0');
        var base32 = string.Concat(Enumerable.Range(0, 26).Select(i => "abcdefghijklmnopqrstuvwxyz234567"[Convert.ToInt32(bits.Substring(i * 5, 5), 2)]));

        var pseudonym = new Pseudonymiser(FixedKey).Pseudonymise("nav-case-42");

        Assert.Equal("k1_" + base32, pseudonym);
        // Pinned as well (computed once with Python's hmac and base64 modules): pseudonyms are a storage
        // contract, and a change here would split every stored journey in two.
        Assert.Equal("k1_jmpc4aectl27mzchrsaoqyjnxm", pseudonym);
    }

    [Fact]
    public void pseudonymising_from_many_threads_gives_the_same_results_as_from_one()
    {
        var pseudonymiser = new Pseudonymiser(FixedKey);
        var inputs = Enumerable.Range(0, 2000).Select(i => $"case-{i}").ToArray();
        var expected = inputs.Select(pseudonymiser.Pseudonymise).ToArray();

        var actual = new string[inputs.Length];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = pseudonymiser.Pseudonymise(inputs[i]));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void a_long_identifier_is_pseudonymised_like_a_short_one()
    {
        var pseudonymiser = new Pseudonymiser(FixedKey);
        var longId = new string('x', 5000);

        Assert.Matches(PseudonymShape(), pseudonymiser.Pseudonymise(longId));
        Assert.NotEqual(pseudonymiser.Pseudonymise(longId), pseudonymiser.Pseudonymise(longId[1..]));
    }

    [Fact]
    public void an_empty_identifier_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new Pseudonymiser(FixedKey).Pseudonymise("  "));
    }

    [Fact]
    public void the_pseudonymiser_reports_its_key_id()
    {
        Assert.Equal("k1", new Pseudonymiser(FixedKey).KeyId);
    }

    [GeneratedRegex("^k1_[a-z2-7]{26}$")]
    private static partial Regex PseudonymShape();
}
