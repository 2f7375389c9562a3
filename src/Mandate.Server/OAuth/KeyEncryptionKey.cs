using System.Security.Cryptography;

namespace Mandate.Server.OAuth;

/// <summary>
/// Finds the key-encryption key that seals signing keys at rest: <c>MANDATE_KEK</c> (base64, 32 bytes), else
/// the file named by the options, else <c>kek</c> in the data directory, created on first start with mode 0600.
/// Keep the KEK away from backups of the data directory in production.
/// </summary>
internal static class KeyEncryptionKey
{
    public const string Variable = "MANDATE_KEK";

    public static byte[] Load(MandateServerOptions options) => Find(options, createIfMissing: true);

    /// <summary>Finds the key without ever creating one: for tools that only read a data directory.</summary>
    public static byte[] LoadExisting(MandateServerOptions options) => Find(options, createIfMissing: false);

    private static byte[] Find(MandateServerOptions options, bool createIfMissing)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } encoded)
        {
            return Decode(encoded, Variable);
        }

        var path = options.KeyEncryptionKeyFile ?? Path.Combine(options.DataDirectory, "kek");
        if (File.Exists(path))
        {
            return Decode(File.ReadAllText(path).Trim(), path);
        }

        if (options.KeyEncryptionKeyFile is not null || !createIfMissing)
        {
            throw new InvalidOperationException(
                $"the key-encryption key file `{path}` does not exist (set {Variable}, or pass the server's JWKS to trust instead)");
        }

        var key = RandomNumberGenerator.GetBytes(32);
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(path, create))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(Convert.ToBase64String(key));
        }

        return key;
    }

    private static byte[] Decode(string encoded, string source)
    {
        try
        {
            var key = Convert.FromBase64String(encoded);
            return key.Length == 32 ? key : throw new InvalidOperationException($"the key-encryption key in `{source}` must be 32 bytes (base64)");
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"the key-encryption key in `{source}` is not base64");
        }
    }
}
