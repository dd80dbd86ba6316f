using Journey.Domain.Privacy;

namespace Journey.Server.Hosting;

/// <summary>Where the pseudonymisation key comes from: configuration, or in Development a kept local file.</summary>
public static class PseudonymKeys
{
    public const string DevelopmentKeyFile = "pseudonym.key";

    public static PseudonymKey Resolve(JourneyOptions options, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.Pseudonymisation.Key))
        {
            try
            {
                return PseudonymKey.Parse(options.Pseudonymisation.Key);
            }
            catch (FormatException e)
            {
                // The message says what is wrong with the form; it never repeats the secret.
                throw new StartupSettingsException($"Journey:Pseudonymisation:Key: {e.Message}");
            }
        }
        if (!environment.IsDevelopment())
        {
            throw new StartupSettingsException(
                "Journey:Pseudonymisation:Key is not set. Outside Development the pseudonymisation key must come from configuration " +
                "(format 'keyId:base64secret', at least 32 random bytes); see README, 'Security and privacy'.");
        }
        // Generated once and kept, so pseudonyms stay stable across restarts of a development server.
        var path = Path.Combine(options.DataDir, DevelopmentKeyFile);
        if (File.Exists(path))
        {
            return PseudonymKey.Parse(File.ReadAllText(path).Trim());
        }
        Directory.CreateDirectory(options.DataDir);
        var key = PseudonymKey.Generate("dev1");
        File.WriteAllText(path, key.ToText() + Environment.NewLine);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return key;
    }
}
