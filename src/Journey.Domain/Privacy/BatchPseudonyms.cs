namespace Journey.Domain.Privacy;

/// <summary>
/// Pseudonymises the persons of one batch, remembering the last one: an agency's backfill sends a journey's
/// events together, and they then cost one HMAC instead of one each. Made for one batch and dropped with it,
/// so it holds an identifier no longer than the batch's request does. Not safe to share between threads.
/// </summary>
public sealed class BatchPseudonyms(Pseudonymiser pseudonymiser)
{
    private string? lastIdentifier;
    private string? lastPseudonym;

    /// <summary>What <see cref="Pseudonymiser.Pseudonymise"/> gives for <paramref name="personIdentifier"/>.</summary>
    public string Pseudonymise(string personIdentifier)
    {
        if (lastPseudonym is null || !string.Equals(personIdentifier, lastIdentifier, StringComparison.Ordinal))
        {
            lastPseudonym = pseudonymiser.Pseudonymise(personIdentifier);
            lastIdentifier = personIdentifier;
        }
        return lastPseudonym;
    }
}
