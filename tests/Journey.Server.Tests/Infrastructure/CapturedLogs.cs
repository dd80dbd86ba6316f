using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Journey.Server.Tests.Infrastructure;

/// <summary>
/// Keeps everything a log sink would keep: the formatted message, every structured property, every
/// scope and the full exception text, at every level the server's configuration lets through.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> entries = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Entries => entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new System.Text.StringBuilder()
                .Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            {
                foreach (var (key, value) in properties)
                {
                    text.Append(" | ").Append(key).Append('=').Append(value);
                }
            }
            owner.scopes.ForEachScope((scope, builder) => builder.Append(" | scope ").Append(scope), text);
            if (exception is not null)
            {
                text.Append(" | ").Append(exception);
            }
            owner.entries.Enqueue(text.ToString());
        }
    }
}
