namespace Journey.Domain.ProcessMining;

/// <summary>
/// An event log file (XES or CSV) that cannot be read: malformed XML or CSV, or a required value that is
/// missing or not valid. The message says where (line and, when known, position) and what was wrong.
/// </summary>
public sealed class EventLogFormatException : Exception
{
    /// <summary>Creates the exception for a problem at a place in the file.</summary>
    /// <param name="problem">What was wrong, without the place.</param>
    /// <param name="lineNumber">1-based line, or 0 when the place is not known.</param>
    /// <param name="linePosition">1-based position in the line, or 0 when not known.</param>
    /// <param name="innerException">The parser's own exception, if any.</param>
    public EventLogFormatException(string problem, int lineNumber, int linePosition, Exception? innerException = null)
        : base(Describe(problem, lineNumber, linePosition), innerException)
    {
        Problem = problem;
        LineNumber = lineNumber;
        LinePosition = linePosition;
    }

    /// <summary>What was wrong, without the place.</summary>
    public string Problem { get; }

    /// <summary>1-based line of the problem, or 0 when not known.</summary>
    public int LineNumber { get; }

    /// <summary>1-based position in the line, or 0 when not known.</summary>
    public int LinePosition { get; }

    private static string Describe(string problem, int line, int position) => (line, position) switch
    {
        (<= 0, _) => problem,
        (_, <= 0) => $"line {line}: {problem}",
        _ => $"line {line}, position {position}: {problem}",
    };
}
