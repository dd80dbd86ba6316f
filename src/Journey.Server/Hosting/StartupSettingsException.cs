namespace Journey.Server.Hosting;

/// <summary>
/// A setting the server cannot start with. Its message names the key, what the key takes and the value given; the
/// server prints it as one line and exits (Program.cs), rather than ending on a stack trace.
/// </summary>
public sealed class StartupSettingsException(string message) : InvalidOperationException(message);
