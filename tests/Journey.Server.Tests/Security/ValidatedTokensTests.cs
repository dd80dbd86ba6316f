using System.Security.Claims;
using Journey.Server.Security;

namespace Journey.Server.Tests.Security;

/// <summary>What a validated token is trusted for without validating it again, and for how long.</summary>
public sealed class ValidatedTokensTests
{
    private const string Scheme = "Development";
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private readonly Clock clock = new(Start);

    private static ClaimsPrincipal Caller(string agency) =>
        new(new ClaimsIdentity([new Claim(CallerIdentity.AgencyClaim, agency), new Claim(CallerIdentity.RoleClaim, JourneyRoles.Agency)], CallerIdentity.AuthenticationType));

    [Fact]
    public void a_remembered_token_gives_the_callers_claims_again_as_a_copy_of_its_own()
    {
        var tokens = new ValidatedTokens(clock);
        tokens.Add(Scheme, "token-a", Caller("nav"), Start.AddMinutes(10));

        Assert.True(tokens.TryGet(Scheme, "token-a", out var first));
        ((ClaimsIdentity)first.Identity!).AddClaim(new Claim(CallerIdentity.AgencyClaim, "skatteetaten"));
        Assert.True(tokens.TryGet(Scheme, "token-a", out var second));

        Assert.Equal(["nav"], second.FindAll(CallerIdentity.AgencyClaim).Select(c => c.Value));
        Assert.NotSame(first, second);
        Assert.True(second.Identity!.IsAuthenticated);
    }

    [Fact]
    public void only_the_same_token_for_the_same_scheme_is_found()
    {
        var tokens = new ValidatedTokens(clock);
        tokens.Add(Scheme, "token-a", Caller("nav"), Start.AddMinutes(10));

        Assert.False(tokens.TryGet(Scheme, "token-b", out _));
        Assert.False(tokens.TryGet(Scheme, "token-a ", out _));
        Assert.False(tokens.TryGet("Maskinporten", "token-a", out _));
    }

    [Fact]
    public void a_token_is_forgotten_when_it_expires()
    {
        var tokens = new ValidatedTokens(clock);
        tokens.Add(Scheme, "token-a", Caller("nav"), Start.AddSeconds(20));

        clock.Now = Start.AddSeconds(19);
        Assert.True(tokens.TryGet(Scheme, "token-a", out _));
        clock.Now = Start.AddSeconds(20);
        Assert.False(tokens.TryGet(Scheme, "token-a", out _));
        Assert.Equal(0, tokens.Count);
    }

    [Fact]
    public void a_long_lived_token_is_validated_again_after_the_maximum_age()
    {
        var tokens = new ValidatedTokens(clock);
        tokens.Add(Scheme, "token-a", Caller("nav"), Start.AddHours(2));

        clock.Now = Start + ValidatedTokens.MaxAge - TimeSpan.FromMilliseconds(1);
        Assert.True(tokens.TryGet(Scheme, "token-a", out _));
        clock.Now = Start + ValidatedTokens.MaxAge;
        Assert.False(tokens.TryGet(Scheme, "token-a", out _));
    }

    [Fact]
    public void a_token_already_expired_is_not_remembered()
    {
        var tokens = new ValidatedTokens(clock);
        tokens.Add(Scheme, "token-a", Caller("nav"), Start);

        Assert.False(tokens.TryGet(Scheme, "token-a", out _));
        Assert.Equal(0, tokens.Count);
    }

    [Fact]
    public void when_full_expired_tokens_make_room_and_live_ones_are_kept()
    {
        var tokens = new ValidatedTokens(clock, capacity: 2);
        tokens.Add(Scheme, "short", Caller("nav"), Start.AddSeconds(5));
        tokens.Add(Scheme, "long", Caller("nav"), Start.AddMinutes(5));

        tokens.Add(Scheme, "refused-room", Caller("nav"), Start.AddMinutes(5));
        Assert.False(tokens.TryGet(Scheme, "refused-room", out _));

        clock.Now = Start.AddSeconds(6);
        tokens.Add(Scheme, "new", Caller("nav"), Start.AddMinutes(5));
        Assert.True(tokens.TryGet(Scheme, "new", out _));
        Assert.True(tokens.TryGet(Scheme, "long", out _));
        Assert.Equal(2, tokens.Count);
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
