using Journey.Domain.Exchange;

namespace Journey.Domain.Tests.Exchange;

public sealed class ExchangeFieldsTests
{
    [Theory]
    [InlineData("2025-03-30T03:15:00+02:00", "2025-03-30T03:15:00.000+02:00")]
    [InlineData("2025-03-30T00:15:00.5-03:30", "2025-03-30T00:15:00.500-03:30")]
    [InlineData("2025-03-30T01:15:00.1234567Z", "2025-03-30T01:15:00.1234567+00:00")]
    public void timestamps_keep_their_offset_and_every_digit_they_have(string value, string expected)
    {
        var instant = DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, ExchangeFields.Timestamp(instant));
    }

    [Fact]
    public void the_table_part_of_an_activity_keeps_its_structure_in_letters_digits_and_underscores()
    {
        Assert.Equal("nav_barnetrygd_behandling_opprettet", OcelMapping.TableSuffix("nav.barnetrygd.behandling-opprettet"));
        Assert.Equal("PurchaseOrder", OcelMapping.TableSuffix("Purchase Order"));
    }
}
