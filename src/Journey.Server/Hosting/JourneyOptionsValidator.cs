using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Journey.Server.Hosting;

/// <summary>
/// Checks the attributes of the <c>Journey</c> section's nested settings (<c>Journey:Limits:…</c>,
/// <c>Journey:Memory:…</c>, …) at start-up. <c>ValidateDataAnnotations</c> checks only the top level, so a
/// <see cref="RangeAttribute"/> on a nested setting would otherwise promise a check nobody makes.
/// </summary>
internal sealed class JourneyOptionsValidator : IValidateOptions<JourneyOptions>
{
    // Every nested section, found rather than listed, so a section added later is checked too.
    private static readonly PropertyInfo[] Sections = typeof(JourneyOptions).GetProperties()
        .Where(p => p.PropertyType.IsClass && p.PropertyType.Namespace == typeof(JourneyOptions).Namespace)
        .ToArray();

    public ValidateOptionsResult Validate(string? name, JourneyOptions options)
    {
        var failures = new List<string>();
        foreach (var section in Sections)
        {
            if (section.GetValue(options) is { } value)
            {
                Check(value, section.Name, failures);
            }
        }
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
