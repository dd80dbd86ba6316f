using System.Text.Json;
using System.Text.RegularExpressions;

namespace Journey.Domain.Catalog;

/// <summary>
/// Loads the catalog from its data files: <c>agencies.json</c> and one <c>{journeyTypeId}.v{version}.json</c>
/// per journey type version (catalog/README.md describes the format). Everything is validated up front, so a
/// server never starts on a catalog that would refuse or misfile events later.
/// </summary>
public static partial class CatalogLoader
{
    public const string AgenciesFile = "agencies.json";

    /// <summary>The folder name the server and CLI builds copy the catalog into.</summary>
    public const string DefaultFolder = "catalog";

    // Targets beyond ten years are certainly a typo (hours or minutes given as days).
    private const double MaxTargetDays = 3650;
    private const int MaxIdLength = 64;
    private const int MaxCodeLength = 128;
    private const int MaxAttributesPerActivity = 16;
    private const int MaxLogNameLength = 256;

    /// <summary>The <c>kind</c> of a journey type that describes a life event (the default).</summary>
    public const string LifeEventKind = "life-event";

    /// <summary>The <c>kind</c> of a journey type imported from an agency's process log.</summary>
    public const string ProcessLogKind = "process-log";

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    /// <summary>The catalog in the <c>catalog</c> folder beside the running application.</summary>
    public static JourneyCatalog LoadDefault() =>
        LoadDirectory(Path.Combine(AppContext.BaseDirectory, DefaultFolder));

    /// <summary>
    /// Loads and validates every catalog file in <paramref name="directory"/>. When a journey type has several
    /// versions, all are validated and the highest is the active one.
    /// </summary>
    /// <exception cref="CatalogException">A file is missing, malformed or inconsistent; the message names file and entry.</exception>
    public static JourneyCatalog LoadDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new CatalogException($"{directory}: the catalog directory does not exist");
        }

        var agenciesPath = Path.Combine(directory, AgenciesFile);
        if (!File.Exists(agenciesPath))
        {
            throw new CatalogException($"{AgenciesFile}: missing from the catalog directory {directory}");
        }
        var agencies = ReadAgencies(agenciesPath);
        var agencyIds = agencies.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);

        var versions = new List<JourneyTypeDefinition>();
        foreach (var path in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var file = Path.GetFileName(path);
            if (file == AgenciesFile)
            {
                continue;
            }
            var match = JourneyTypeFileName().Match(file);
            if (!match.Success)
            {
                // A stray or misnamed file would otherwise be silently ignored, e.g. "fa-barn.json".
                throw new CatalogException(
                    $"{file}: a catalog file must be named '{AgenciesFile}' or '{{journeyTypeId}}.v{{version}}.json', e.g. 'fa-barn.v1.json'");
            }
            versions.Add(ReadJourneyType(path, match.Groups["id"].Value, int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture), agencyIds));
        }
        if (versions.Count == 0)
        {
            throw new CatalogException($"{directory}: the catalog has no journey type files ('{{journeyTypeId}}.v{{version}}.json')");
        }

        var active = versions
            .GroupBy(v => v.Id, StringComparer.Ordinal)
            .Select(g => g.MaxBy(v => v.Version)!);
        return new JourneyCatalog(agencies, active);
    }

    private static List<AgencyDefinition> ReadAgencies(string path)
    {
        var file = Path.GetFileName(path);
        using var document = Parse(path);
        var root = CatalogJsonObject.Open(file, "", document.RootElement);
        var agencies = new List<AgencyDefinition>();
        var operators = new List<(CatalogJsonObject Entry, string Agency, string OperatedBy)>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var organisations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in root.Objects("agencies", "id"))
        {
            var id = entry.String("id");
            CheckId(entry, "id", id);
            if (!seen.TryAdd(id, entry.Entry))
            {
                throw entry.Error($"duplicate agency id (also {seen[id]})");
            }
            var name = entry.Text("name");
            var operatedBy = entry.OptionalString("operatedBy");
            var organisationNumber = entry.OptionalString("organisationNumber");
            if (organisationNumber is not null)
            {
                if (!IsOrganisationNumber(organisationNumber))
                {
                    throw entry.Error($"organisationNumber '{organisationNumber}' is not an organisation number: nine digits with a valid modulus-11 check digit");
                }
                // A token names one organisation; it must lead to one agency, never to whichever comes first.
                if (!organisations.TryAdd(organisationNumber, entry.Entry))
                {
                    throw entry.Error($"organisationNumber '{organisationNumber}' is also given to {organisations[organisationNumber]}");
                }
            }
            entry.EnsureNoUnknownProperties();
            if (operatedBy is not null)
            {
                operators.Add((entry, id, operatedBy));
            }
            agencies.Add(new AgencyDefinition(id, name) { OperatedBy = operatedBy, OrganisationNumber = organisationNumber });
        }
        root.EnsureNoUnknownProperties();
        if (agencies.Count == 0)
        {
            throw root.Error("'agencies' must list at least one agency");
        }
        foreach (var (entry, id, operatedBy) in operators)
        {
            if (!seen.ContainsKey(operatedBy) || operatedBy == id)
            {
                throw entry.Error($"operatedBy '{operatedBy}' is not another agency in {AgenciesFile}");
            }
        }
        return agencies;
    }

    // Brønnøysundregistrene's rule: nine digits, the last a modulus-11 check digit with weights 3 2 7 6 5 4 3 2.
    private static bool IsOrganisationNumber(string value)
    {
        if (value.Length != 9 || value.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }
        ReadOnlySpan<int> weights = [3, 2, 7, 6, 5, 4, 3, 2];
        var sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += (value[i] - '0') * weights[i];
        }
        var check = 11 - sum % 11;
        return check switch
        {
            11 => value[8] == '0',
            10 => false,
            _ => value[8] - '0' == check,
        };
    }

    private static JourneyTypeDefinition ReadJourneyType(string path, string fileId, int fileVersion, HashSet<string> agencies)
    {
        var file = Path.GetFileName(path);
        using var document = Parse(path);
        var root = CatalogJsonObject.Open(file, "", document.RootElement);

        var id = root.String("id");
        if (id != fileId)
        {
            throw root.Error($"id '{id}' does not match the file name (expected '{fileId}')");
        }
        var version = root.Integer("version", 1);
        if (version != fileVersion)
        {
            throw root.Error($"version {version} does not match the file name (expected {fileVersion})");
        }
        var name = root.Text("name");
        var lifeEvent = root.String("lifeEventActivity");
        var roles = root.Strings("relatedRoles", role => IsId(role) ? null : "is not a well-formed role (lowercase letters, digits and single hyphens)");
        var kind = root.OptionalString("kind") switch
        {
            null or LifeEventKind => JourneyKind.LifeEvent,
            ProcessLogKind => JourneyKind.ProcessLog,
            var other => throw root.Error($"kind '{other}' is not '{LifeEventKind}' or '{ProcessLogKind}'"),
        };

        var activities = ReadActivities(root, agencies);
        var codes = activities.ToDictionary(a => a.Code, StringComparer.Ordinal);
        if (!codes.ContainsKey(lifeEvent))
        {
            throw root.Error($"lifeEventActivity '{lifeEvent}' is not an activity of journey type '{id}'");
        }
        var services = ReadServices(root, id, lifeEvent, codes, agencies, kind);
        var intervals = ReadIntervals(root, id, codes);
        root.EnsureNoUnknownProperties();

        return new JourneyTypeDefinition(id, version, name, lifeEvent, roles, activities, services, intervals, file) { Kind = kind };
    }

    private static List<ActivityDefinition> ReadActivities(CatalogJsonObject root, HashSet<string> agencies)
    {
        var activities = new List<ActivityDefinition>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var logNamesSeen = new Dictionary<(string LogName, string Agency), string>();
        foreach (var entry in root.Objects("activities", "code"))
        {
            var code = entry.String("code");
            if (code.Length > MaxCodeLength || !ActivityCode().IsMatch(code))
            {
                throw entry.Error("code must be '{agency}.{service-or-area}.{step}': three dot-separated parts of lowercase ASCII letters, digits and single hyphens");
            }
            if (!seen.TryAdd(code, entry.Entry))
            {
                throw entry.Error($"duplicate activity code (also {seen[code]})");
            }
            var agency = entry.String("agency");
            if (!agencies.Contains(agency))
            {
                throw entry.Error($"agency '{agency}' is not in {AgenciesFile}");
            }
            if (!code.StartsWith(agency + ".", StringComparison.Ordinal))
            {
                throw entry.Error($"code must start with its agency '{agency}.'");
            }
            var name = entry.Text("name");
            var attributes = entry.Strings("attributes", attribute => IsId(attribute)
                ? null
                : "is not a well-formed attribute name (lowercase ASCII letters, digits and single hyphens, starting with a letter, at most 64 characters)");
            if (attributes.Count > MaxAttributesPerActivity)
            {
                throw entry.Error($"an activity may carry at most {MaxAttributesPerActivity} attributes");
            }
            var logNames = entry.Has("logNames")
                ? entry.Strings("logNames", logName => logName.Length is > 0 and <= MaxLogNameLength && !logName.Any(char.IsControl)
                    ? null
                    : $"is not a log name: 1 to {MaxLogNameLength} characters, no control characters")
                : [];
            entry.EnsureNoUnknownProperties();
            activities.Add(new ActivityDefinition(code, agency, name, attributes) { LogNames = logNames });
            foreach (var logName in logNames)
            {
                // The importer picks the activity by name and agency: each pair must lead to one activity.
                if (!logNamesSeen.TryAdd((logName, agency), entry.Entry))
                {
                    throw entry.Error($"log name '{logName}' is also given to {logNamesSeen[(logName, agency)]} of the same agency");
                }
            }
        }
        if (activities.Count == 0)
        {
            throw root.Error("'activities' must list at least one activity");
        }
        foreach (var ((logName, _), entry) in logNamesSeen)
        {
            if (seen.TryGetValue(logName, out var other) && other != entry)
            {
                throw root.Error($"log name '{logName}' of {entry} is the code of {other}");
            }
        }
        return activities;
    }

    private static List<ServiceDefinition> ReadServices(
        CatalogJsonObject root, string journeyType, string lifeEvent, Dictionary<string, ActivityDefinition> codes, HashSet<string> agencies, JourneyKind kind)
    {
        var services = new List<ServiceDefinition>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in root.Objects("services", "id"))
        {
            var id = entry.String("id");
            CheckId(entry, "id", id);
            if (!seen.TryAdd(id, entry.Entry))
            {
                throw entry.Error($"duplicate service id (also {seen[id]})");
            }
            var name = entry.Text("name");
            var agency = entry.String("agency");
            if (!agencies.Contains(agency))
            {
                throw entry.Error($"agency '{agency}' is not in {AgenciesFile}");
            }

            // Each activity has one meaning in a service: the lead-time split (waiting, processing,
            // delivery) would be ambiguous if one code were, say, both trigger and decision.
            var roles = new Dictionary<string, string>(StringComparer.Ordinal);
            string Use(string role, string code, bool ownAgency)
            {
                if (!codes.TryGetValue(code, out var activity))
                {
                    throw entry.Error($"{role} '{code}' is not an activity of journey type '{journeyType}'");
                }
                if (ownAgency && code != lifeEvent && activity.Agency != agency)
                {
                    throw entry.Error($"{role} '{code}' belongs to agency '{activity.Agency}', not to the service's agency '{agency}'");
                }
                if (!roles.TryAdd(code, role))
                {
                    throw entry.Error($"{role} '{code}' is already used as {roles[code]} in this service");
                }
                return code;
            }
            IReadOnlyList<string> UseAll(string role, bool ownAgency) =>
                entry.Strings(role, _ => null).Select(code => Use(role, code, ownAgency)).ToArray();

            var application = UseAll("applicationActivities", ownAgency: true);
            var proactive = UseAll("proactiveActivities", ownAgency: true);
            if (application.Count == 0 && proactive.Count == 0)
            {
                throw entry.Error("a service needs at least one of applicationActivities and proactiveActivities");
            }
            var decision = Use("decisionActivity", entry.String("decisionActivity"), ownAgency: true);
            var delivery = Use("deliveryActivity", entry.String("deliveryActivity"), ownAgency: true);
            var dependsOn = UseAll("dependsOn", ownAgency: false);
            var target = entry.OptionalDays("targetDays", MaxTargetDays);
            entry.EnsureNoUnknownProperties();
            services.Add(new ServiceDefinition(id, name, agency, application, proactive, decision, delivery, dependsOn, target));
        }
        // A process log is imported for its flow (directly-follows map, hand-overs) before anyone has
        // described services in it; a life event without services would only be a forgotten section.
        if (services.Count == 0 && kind != JourneyKind.ProcessLog)
        {
            throw root.Error($"'services' must list at least one service (only a journey type of kind '{ProcessLogKind}' may list none)");
        }
        return services;
    }

    private static List<IntervalDefinition> ReadIntervals(CatalogJsonObject root, string journeyType, Dictionary<string, ActivityDefinition> codes)
    {
        var intervals = new List<IntervalDefinition>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in root.Objects("intervals", "id"))
        {
            var id = entry.String("id");
            CheckId(entry, "id", id);
            if (!seen.TryAdd(id, entry.Entry))
            {
                throw entry.Error($"duplicate interval id (also {seen[id]})");
            }
            var name = entry.Text("name");
            var from = entry.String("fromActivity");
            var to = entry.String("toActivity");
            foreach (var (property, code) in new[] { ("fromActivity", from), ("toActivity", to) })
            {
                if (!codes.ContainsKey(code))
                {
                    throw entry.Error($"{property} '{code}' is not an activity of journey type '{journeyType}'");
                }
            }
            if (from == to)
            {
                throw entry.Error("fromActivity and toActivity must differ");
            }
            var target = entry.OptionalDays("targetDays", MaxTargetDays);
            entry.EnsureNoUnknownProperties();
            intervals.Add(new IntervalDefinition(id, name, from, to, target));
        }
        return intervals;
    }

    private static JsonDocument Parse(string path)
    {
        var file = Path.GetFileName(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CatalogException($"{file}: cannot be read: {e.Message}", e);
        }
        // Editors on some platforms save UTF-8 with a byte order mark; it is not part of the JSON.
        var json = bytes.AsMemory();
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }
        try
        {
            return JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var position = (e.BytePositionInLine ?? 0) + 1;
            throw new CatalogException($"{file}: not well-formed JSON at line {line}, position {position}: {Reason(e)}", e);
        }
    }

    // The parser's message ends with its own zero-based "LineNumber: … | BytePositionInLine: …", which the
    // one-based position in our message replaces.
    private static string Reason(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd();
    }

    private static void CheckId(CatalogJsonObject entry, string property, string id)
    {
        if (!IsId(id))
        {
            throw entry.Error($"{property} '{id}' is not well-formed (lowercase ASCII letters, digits and single hyphens, starting with a letter, at most 64 characters)");
        }
    }

    private static bool IsId(string value) => value.Length <= MaxIdLength && Id().IsMatch(value);

    [GeneratedRegex(@"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Id();

    [GeneratedRegex(@"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*){2}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ActivityCode();

    [GeneratedRegex(@"^(?<id>[a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.v(?<version>[1-9][0-9]{0,8})\.json\z", RegexOptions.CultureInvariant)]
    private static partial Regex JourneyTypeFileName();
}
