using System.Text;

namespace Journey.Domain.ProcessMining;

/// <summary>
/// RFC 4180 records: fields separated by the delimiter, records by CRLF, LF or CR; a field in double quotes
/// may hold delimiters, line breaks and doubled quotes. Tracks physical lines so errors can point at them.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader, char delimiter)
{
    private const char Quote = '"';

    private readonly char[] buffer = new char[1 << 16];
    private readonly StringBuilder field = new();
    private int position;
    private int length;
    private int line = 1;

    /// <summary>The physical line the last record read starts on.</summary>
    public int RecordLine { get; private set; }

    /// <summary>
    /// Reads the next record into <paramref name="fields"/>; false at the end of input. Blank lines are
    /// skipped rather than read as a record of one empty field.
    /// </summary>
    public bool TryRead(List<string> fields)
    {
        fields.Clear();
        while (true)
        {
            var first = Peek();
            if (first < 0)
            {
                return false;
            }
            if (first is '\r' or '\n')
            {
                EndOfLine();
                continue;
            }
            break;
        }
        RecordLine = line;
        while (true)
        {
            var ended = ReadField();
            fields.Add(field.ToString());
            if (ended)
            {
                return true;
            }
        }
    }

    /// <summary>Reads one field into <see cref="field"/>; true when it ended its record.</summary>
    private bool ReadField()
    {
        field.Clear();
        if (Peek() == Quote)
        {
            return ReadQuotedField();
        }
        while (true)
        {
            var c = Peek();
            if (c < 0)
            {
                return true;
            }
            if (c is '\r' or '\n')
            {
                EndOfLine();
                return true;
            }
            Take();
            if (c == delimiter)
            {
                return false;
            }
            if (c == Quote)
            {
                throw new EventLogFormatException("a double quote inside an unquoted field (quote the whole field and double the quote)", line, 0);
            }
            field.Append((char)c);
        }
    }

    private bool ReadQuotedField()
    {
        var startLine = line;
        Take();
        while (true)
        {
            var c = Peek();
            if (c < 0)
            {
                throw new EventLogFormatException("a quoted field is not closed before the end of the file", startLine, 0);
            }
            if (c is '\r' or '\n')
            {
                // Keep the line break as written; count it so later errors give the right line.
                field.Append((char)c);
                Take();
                if (c == '\r' && Peek() == '\n')
                {
                    field.Append('\n');
                    Take();
                }
                line++;
                continue;
            }
            Take();
            if (c != Quote)
            {
                field.Append((char)c);
                continue;
            }
            if (Peek() == Quote)
            {
                field.Append(Quote);
                Take();
                continue;
            }
            var after = Peek();
            if (after < 0)
            {
                return true;
            }
            if (after is '\r' or '\n')
            {
                EndOfLine();
                return true;
            }
            if (after == delimiter)
            {
                Take();
                return false;
            }
            throw new EventLogFormatException($"unexpected '{(char)after}' after a closing quote", line, 0);
        }
    }

    /// <summary>Consumes one line break: CRLF, LF or a lone CR.</summary>
    private void EndOfLine()
    {
        if (Peek() == '\r')
        {
            Take();
            if (Peek() == '\n')
            {
                Take();
            }
        }
        else
        {
            Take();
        }
        line++;
    }

    private int Peek()
    {
        if (position == length)
        {
            length = reader.Read(buffer, 0, buffer.Length);
            position = 0;
            if (length == 0)
            {
                return -1;
            }
        }
        return buffer[position];
    }

    private void Take() => position++;
}
