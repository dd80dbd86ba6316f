using System.Security.Cryptography;

namespace Journey.Server.Security;

/// <summary>
/// The signing key of development tokens: generated once and kept in the data directory, like the
/// development pseudonymisation key, so that <c>journey token</c> and the CLI's commands can sign tokens
/// a Development server accepts. Outside Development no token signed with it is accepted.
/// </summary>
/// <remarks>The CLI reads the same file (Journey.Cli's DevelopmentTokens); the names here are its contract.</remarks>
public static class DevelopmentTokenKey
{
    public const string FileName = "dev-token-signing.key";
    public const string Issuer = "journey-development";
    public const string Audience = "journey";
    public const string KeyId = "journey-dev";

    /// <summary>The claim that names the agency a development token emits as (there is no organisation behind it).</summary>
    public const string AgencyClaim = "journey_agency";

    private const int SecretBytes = 64;

    /// <summary>The key's bytes, created in <paramref name="dataDir"/> when it is not there yet.</summary>
    public static byte[] LoadOrCreate(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (File.Exists(path))
        {
            return Parse(File.ReadAllText(path), path);
        }
        Directory.CreateDirectory(dataDir);
        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(temp, Convert.ToBase64String(secret) + Environment.NewLine);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        try
        {
            // Two servers starting on one data directory must end up with the same key.
            File.Move(temp, path, overwrite: false);
            return secret;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return Parse(File.ReadAllText(path), path);
        }
    }

    private static byte[] Parse(string text, string path)
    {
        var secret = new byte[text.Length];
        if (!Convert.TryFromBase64String(text.Trim(), secret, out var length) || length < 32)
        {
            throw new InvalidOperationException($"{path} is not a development token key (base64, at least 32 bytes). Delete it and restart to generate a new one.");
        }
        return secret[..length];
    }
}
