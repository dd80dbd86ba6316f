using Journey.Domain.Privacy;
using static Journey.Domain.Tests.Privacy.TestIdentityNumbers;

namespace Journey.Domain.Tests.Privacy;

public sealed class PersonIdentifierTests
{
    [Fact]
    public void a_valid_identity_number_is_accepted()
    {
        Assert.Null(PersonIdentifier.Validate(Build(15, 3, 90)));
        Assert.Null(PersonIdentifier.Validate(Build(55, 83, 90)));
    }

    [Fact]
    public void eleven_digits_are_an_identity_number_and_must_be_a_valid_one()
    {
        var valid = Build(15, 3, 90);
        var wrong = WithDigit(valid, 10, (valid[10] - '0' + 1) % 10);

        var error = PersonIdentifier.Validate(wrong);

        Assert.Equal(IdentityNumber.WrongSecondCheckDigit, error);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("7")]
    [InlineData("case-123")]
    [InlineData("nav:sak:2024.17")]
    [InlineData("0123456789")] // ten digits: not an identity number's shape
    [InlineData("a_b")]
    public void an_opaque_id_of_the_allowed_characters_is_accepted(string id)
    {
        Assert.Null(PersonIdentifier.Validate(id));
    }

    [Fact]
    public void an_opaque_id_may_be_128_characters_but_no_longer()
    {
        Assert.Null(PersonIdentifier.Validate(new string('x', 128)));
        Assert.Equal(PersonIdentifier.TooLong, PersonIdentifier.Validate(new string('x', 129)));
    }

    [Theory]
    [InlineData("-abc")]
    [InlineData(".abc")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("ærlig")]
    [InlineData(" abc")]
    [InlineData("abc\n")]
    public void an_opaque_id_with_other_characters_is_refused(string id)
    {
        Assert.Equal(PersonIdentifier.BadCharacters, PersonIdentifier.Validate(id));
    }

    [Fact]
    public void an_empty_value_is_refused()
    {
        Assert.Equal(PersonIdentifier.Empty, PersonIdentifier.Validate(""));
    }

    [Fact]
    public void an_opaque_id_that_carries_a_valid_identity_number_is_refused()
    {
        var number = Build(15, 3, 90);

        Assert.Equal(PersonIdentifier.EmbedsIdentityNumber, PersonIdentifier.Validate("fnr:" + number));
        Assert.Equal(PersonIdentifier.EmbedsIdentityNumber, PersonIdentifier.Validate("9" + number));
        Assert.Equal(PersonIdentifier.EmbedsIdentityNumber, PersonIdentifier.Validate(number + "-x"));
    }

    [Fact]
    public void an_opaque_id_with_eleven_digits_that_are_no_identity_number_is_accepted()
    {
        var valid = Build(15, 3, 90);
        var notANumber = WithDigit(valid, 10, (valid[10] - '0' + 1) % 10);

        Assert.Null(PersonIdentifier.Validate("case-" + notANumber));
    }

    [Fact]
    public void no_error_message_contains_a_digit()
    {
        Assert.All(PersonIdentifier.Errors, error => Assert.DoesNotContain(error, char.IsDigit));
    }
}
