using System.CommandLine;
using System.Net.Http.Headers;
using Grpc.Net.Client;

namespace Journey.Cli.Commands;

/// <summary>Options several commands share, and the channel to a server.</summary>
public static class CommonOptions
{
    public const string DefaultServer = "http://127.0.0.1:5080";

    /// <summary>The server's default data directory when both run from the repository root.</summary>
    public const string DefaultDataDir = "./data";

    public static Option<string> Server()
    {
        var server = new Option<string>("--server")
        {
            Description = "The Journey server's gRPC address",
            DefaultValueFactory = _ => DefaultServer,
        };
        server.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value
                && !(Uri.TryCreate(value, UriKind.Absolute, out var address) && address.Scheme is "http" or "https"))
            {
                result.AddError($"--server must be an http:// or https:// address, such as {DefaultServer}; it was '{value}'.");
            }
        });
        return server;
    }

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one JSON document instead of a table",
    };

    public static Option<string?> Token() => new("--token")
    {
        Description = $"The bearer token to call with (default: ${TokenSource.EnvironmentVariable}, else a development token signed with the key in --data-dir)",
    };

    public const int DefaultTimeoutSeconds = 30;

    /// <summary>
    /// How long a command waits for a one-off answer (lead times, opportunities): a server that accepted the connection but
    /// never answers would otherwise hold the command for ever.
    /// </summary>
    public static Option<int> Timeout() => new Option<int>("--timeout")
    {
        Description = "Seconds to wait for the server's answer",
        DefaultValueFactory = _ => DefaultTimeoutSeconds,
    }.AtLeast(1);

    /// <summary>The deadline of a call made now under <paramref name="timeout"/>.</summary>
    public static DateTime Deadline(ParseResult parse, Option<int> timeout) =>
        DateTime.UtcNow.AddSeconds(parse.GetValue(timeout));

    public static Option<string> DataDir() => new("--data-dir")
    {
        Description = "A Development server's data directory, whose key signs development tokens",
        DefaultValueFactory = _ => DefaultDataDir,
    };

    /// <summary>
    /// Refuses a count below <paramref name="minimum"/> when the command line is parsed, naming the option,
    /// before anything runs (a value the code below would only throw at, with a stack trace).
    /// </summary>
    public static Option<T> AtLeast<T>(this Option<T> option, long minimum)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            // Checked as given: a value that is not a number at all is its parser's to report (WithPlainParseErrors), and
            // reading it here would throw.
            if (result.Tokens.Count > 0
                && long.TryParse(result.Tokens[^1].Value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
                && value < minimum)
            {
                result.AddError($"{option.Name} must be at least {minimum:N0}; it was {value}.");
            }
        });
        return option;
    }

    /// <summary>
    /// Gives every number and duration option of <paramref name="command"/> and of its subcommands a parser whose error
    /// names the option and what it takes ("--seed must be a whole number; it was 'x'."). System.CommandLine's own names
    /// a .NET type instead ("… as expected type 'System.Nullable`1[System.UInt64]'"), and a range check (<see
    /// cref="AtLeast"/>) that met such a value threw rather than reporting it.
    /// </summary>
    public static TCommand WithPlainParseErrors<TCommand>(this TCommand command)
        where TCommand : Command
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in command.Options)
        {
            switch (option)
            {
                case Option<int> o:
                    o.CustomParser = result => Parsed<int>(result, o.Name, WholeNumber);
                    break;
                case Option<int?> o:
                    o.CustomParser = result => Parsed<int>(result, o.Name, WholeNumber);
                    break;
                case Option<long> o:
                    o.CustomParser = result => Parsed<long>(result, o.Name, WholeNumber);
                    break;
                case Option<long?> o:
                    o.CustomParser = result => Parsed<long>(result, o.Name, WholeNumber);
                    break;
                case Option<ulong?> o:
                    o.CustomParser = result => Parsed<ulong>(result, o.Name, "a position: a whole number, 0 or more");
                    break;
                case Option<TimeSpan> o:
                    o.CustomParser = result => Parsed<TimeSpan>(result, o.Name, "a duration such as 00:30:00 (hours:minutes:seconds) or 1.00:00:00 (a day)");
                    break;
            }
        }
        foreach (var subcommand in command.Subcommands)
        {
            subcommand.WithPlainParseErrors();
        }
        return command;
    }

    private const string WholeNumber = "a whole number";

    private static T Parsed<T>(System.CommandLine.Parsing.ArgumentResult result, string option, string what)
        where T : struct, IParsable<T>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (T.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        result.AddError($"{option} must be {what}; it was '{text}'.");
        return default;
    }

    /// <summary>Where the command's tokens come from, from its <c>--token</c> and <c>--data-dir</c> options.</summary>
    public static TokenSource Tokens(ParseResult parse, Option<string?> token, Option<string> dataDir) =>
        TokenSource.Resolve(parse.GetValue(token), parse.GetValue(dataDir) ?? DefaultDataDir);

    /// <summary>A channel without credentials: enough for health checks only.</summary>
    public static GrpcChannel Channel(string server) => GrpcChannel.ForAddress(server, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 64 * 1024 * 1024,
    });

    /// <summary>
    /// A channel whose every call carries a bearer token from <paramref name="tokens"/> for
    /// <paramref name="role"/> (as <paramref name="agency"/>), fetched per call so long runs outlive any token.
    /// </summary>
    public static GrpcChannel Channel(string server, TokenSource tokens, string role, string? agency = null) =>
        GrpcChannel.ForAddress(server, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            HttpHandler = new BearerTokenHandler(tokens, role, agency)
            {
                InnerHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, InitialHttp2StreamWindowSize = AnswerWindowBytes },
            },
        });

    // What the server may send of one answer before this client has read any of it. At HTTP/2's default (64 KB) the
    // lead-time answer for all journey types (hundreds of KB) waited for several window updates, each a round trip
    // through both processes' threads: 1 MB took a fifth off its median and half off its 90th percentile (3.3–3.7
    // against 4.4 ms and 4.6–6.3 against 6.8–12 ms, on an idle server with 20,000 journeys).
    private const int AnswerWindowBytes = 1 << 20;

    // A handler rather than gRPC call credentials: those refuse plain-HTTP addresses, which the
    // embedded server uses by default.
    private sealed class BearerTokenHandler(TokenSource tokens, string role, string? agency) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (tokens.TokenFor(role, agency) is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
