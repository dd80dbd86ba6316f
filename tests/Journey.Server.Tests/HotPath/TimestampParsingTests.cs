using Journey.Server.Ingest;

namespace Journey.Server.Tests.HotPath;

/// <summary>occurred_at is read character by character at the door; it must accept exactly RFC 3339 with an offset.</summary>
public sealed class TimestampParsingTests
{
    [Theory]
    [InlineData("2025-03-20T10:00:00+01:00", "2025-03-20T10:00:00.0000000+01:00")]
    [InlineData("2025-03-20t10:00:00z", "2025-03-20T10:00:00.0000000+00:00")]
    [InlineData("2025-03-20T10:00:00Z", "2025-03-20T10:00:00.0000000+00:00")]
    [InlineData("2025-03-20T10:00:00.5-02:30", "2025-03-20T10:00:00.5000000-02:30")]
    [InlineData("2025-03-20T10:00:00.123456789+00:00", "2025-03-20T10:00:00.1234567+00:00")]
    [InlineData("2024-02-29T23:59:59.9999999+14:00", "2024-02-29T23:59:59.9999999+14:00")]
    [InlineData("2025-10-26T02:30:00-00:00", "2025-10-26T02:30:00.0000000+00:00")]
    [InlineData("0001-01-01T00:00:00-01:00", "0001-01-01T00:00:00.0000000-01:00")]
    public void an_rfc_3339_timestamp_parses_to_its_instant_and_offset(string value, string expected)
    {
        Assert.True(EventValidator.TryParseTimestamp(value, out var parsed));

        var want = DateTimeOffset.ParseExact(expected, "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(want, parsed);
        Assert.Equal(want.Offset, parsed.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2025-03-20T10:00:00")]
    [InlineData("2025-03-20 10:00:00+01:00")]
    [InlineData("2025-03-20T10:00+01:00")]
    [InlineData("2025-3-20T10:00:00+01:00")]
    [InlineData("2025-02-29T10:00:00+01:00")]
    [InlineData("2025-13-01T10:00:00+01:00")]
    [InlineData("2025-03-20T24:00:00+01:00")]
    [InlineData("2025-03-20T10:60:00+01:00")]
    [InlineData("2025-03-20T10:00:60+01:00")]
    [InlineData("2025-03-20T10:00:00.+01:00")]
    [InlineData("2025-03-20T10:00:00.1234567890+01:00")]
    [InlineData("2025-03-20T10:00:00+14:01")]
    [InlineData("2025-03-20T10:00:00+01:60")]
    [InlineData("2025-03-20T10:00:00+0100")]
    [InlineData("2025-03-20T10:00:00+01:00 ")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("9999-12-31T23:59:59-01:00")]
    [InlineData("２０２５-03-20T10:00:00+01:00")]
    [InlineData("24.03.2025 10:00")]
    public void anything_else_is_refused(string value)
    {
        Assert.False(EventValidator.TryParseTimestamp(value, out _));
    }
}
