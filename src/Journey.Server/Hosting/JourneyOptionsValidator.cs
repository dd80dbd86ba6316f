using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Journey.Server.Hosting;

/// <summary>
/// Checks the attributes of the <c>Journey</c> section's nested settings (<c>Journey:Limits:…</c>,
/// <c>Journey:Memory:…</c>, …) at start-up. <c>ValidateDataAnnotations</c> checks only the top level, so a
/// <see cref="RangeAttribute"/> on a nested setting would otherwise promise a check nobody makes.
/// </summary>
internal sealed class JourneyOptionsValidator : IValidateOptions<JourneyOptions>
{
    public ValidateOptionsResult Validate(string? name, JourneyOptions options)
    {
        var failures = new List<string>();
        Check(options.EventStoreDb, nameof(options.EventStoreDb), failures);
        Check(options.Pseudonymisation, nameof(options.Pseudonymisation), failures);
        Check(options.Orleans, nameof(options.Orleans), failures);
        Check(options.Projections, nameof(options.Projections), failures);
        Check(options.Limits, nameof(options.Limits), failures);
        Check(options.Memory, nameof(options.Memory), failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(object section, string sectionName, List<string> failures)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"Journey:{sectionName}:{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }
}
