using System.CommandLine;
using Journey.Domain.Catalog;

namespace Journey.Cli.Commands;

/// <summary>
/// <c>journey token</c>: prints a short-lived development token for a role, signed with the key a
/// Development server keeps in its data directory. Production servers do not accept these.
/// </summary>
public static class TokenCommand
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    public static Command Create()
    {
        var role = new Option<string>("--role")
        {
            Description = "The role the token grants",
            Required = true,
        };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var agency = new Option<string?>("--agency") { Description = "For --role agency: the agency's id as the catalog names it, e.g. nav" };
        var dataDir = CommonOptions.DataDir();
        var lifetime = new Option<TimeSpan>("--lifetime")
        {
            Description = "How long the token is valid (at most 24 hours)",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(30),
        };
        var command = new Command("token", "Print a development token for a role (accepted only by a server running in Development)")
        {
            role, agency, dataDir, lifetime,
        };
        command.SetAction(parse =>
        {
            var chosenRole = parse.GetValue(role)!;
            var chosenAgency = parse.GetValue(agency);
            var validity = parse.GetValue(lifetime);
            if (Problem(chosenRole, chosenAgency, validity) is { } problem)
            {
                Console.Error.WriteLine(problem);
                return 1;
            }
            var directory = parse.GetValue(dataDir) ?? CommonOptions.DefaultDataDir;
            var key = DevelopmentTokens.TryLoadKey(directory);
            if (key is null)
            {
                Console.Error.WriteLine(
                    $"There is no development key in {Path.GetFullPath(directory)}. Start the server in Development with that data directory first " +
                    "(it creates the key), or pass --data-dir.");
                return 1;
            }
            Console.Out.WriteLine(DevelopmentTokens.Create(key, chosenRole, chosenAgency, validity));
            return 0;
        });
        return command;
    }

    private static string? Problem(string role, string? agency, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            return "--lifetime must be more than zero and at most 24:00:00.";
        }
        if (role != Roles.Agency)
        {
            return agency is null ? null : "--agency is only for --role agency.";
        }
        if (string.IsNullOrEmpty(agency))
        {
            return "--role agency needs --agency ID, the agency's id as the catalog names it (e.g. nav).";
        }
        var catalog = CatalogLoader.LoadDefault();
        return catalog.FindAgency(agency) is null
            ? $"'{agency}' is not an agency in the catalog; use one of: {string.Join(", ", catalog.Agencies.Select(a => a.Id).Order(StringComparer.Ordinal))}."
            : null;
    }
}
