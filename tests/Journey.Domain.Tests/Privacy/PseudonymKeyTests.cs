using Journey.Domain.Privacy;

namespace Journey.Domain.Tests.Privacy;

public sealed class PseudonymKeyTests
{
    [Fact]
    public void a_key_survives_its_text_form()
    {
        var key = PseudonymKey.Generate("k7");

        var parsed = PseudonymKey.Parse(key.ToText() + "\n");

        Assert.Equal(key, parsed);
        Assert.Equal(key.Secret, parsed.Secret);
        Assert.StartsWith("k7:", key.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void a_generated_key_has_32_random_bytes()
    {
        var first = PseudonymKey.Generate("k1");
        var second = PseudonymKey.Generate("k1");

        Assert.Equal(32, first.Secret.Length);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void printing_a_key_never_shows_the_secret()
    {
        var key = PseudonymKey.Generate("k1");

        var printed = key.ToString();

        Assert.Contains("k1", printed, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(key.Secret), printed, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", printed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("K1")]
    [InlineData("key-1")]
    [InlineData("abcdefghi")]
    public void a_key_id_must_be_one_to_eight_lowercase_letters_or_digits(string id)
    {
        Assert.Throws<ArgumentException>(() => new PseudonymKey(id, new byte[32]));
    }

    [Fact]
    public void a_secret_shorter_than_32_bytes_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new PseudonymKey("k1", new byte[31]));
    }

    [Fact]
    public void changing_the_callers_array_afterwards_does_not_change_the_key()
    {
        var secret = new byte[32];
        var key = new PseudonymKey("k1", secret);

        secret[0] = 1;

        Assert.Equal(0, key.Secret[0]);
    }

    [Theory]
    [InlineData("no-colon-here")]
    [InlineData("K1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("k1:not base64!")]
    [InlineData("k1:c2hvcnRzZWNyZXQ=")] // "shortsecret": valid base64, too short
    public void text_that_is_not_a_key_is_refused_without_echoing_it(string text)
    {
        var error = Assert.Throws<FormatException>(() => PseudonymKey.Parse(text));

        Assert.DoesNotContain(text, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(text[(text.IndexOf(':') + 1)..], error.Message, StringComparison.Ordinal);
    }
}
