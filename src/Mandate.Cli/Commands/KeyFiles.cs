using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Cli.Http;

namespace Mandate.Cli.Commands;

/// <summary>
/// Reads key files: a public key (a JWK, or a PEM public or private EC key) into the public JWK to register, or a PEM
/// private key to sign with.
/// </summary>
internal static class KeyFiles
{
    /// <summary>Reads a JSON file (for example a JWK Set), failing with a usage error.</summary>
    public static JsonElement ReadJson(string path) => ParseJson(InputFiles.ReadText(path, "JWKS file"), path);

    private static JsonElement ParseJson(string text, string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new CliException($"`{path}` is not valid JSON: {ex.Message}", Output.ExitCodes.Usage);
        }
    }

    public static JsonElement ReadPublicJwk(string path)
    {
        var text = InputFiles.ReadText(path, "key file");

        if (text.TrimStart().StartsWith('{'))
        {
            return ParseJson(text, path);
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(text);
            var p = key.ExportParameters(includePrivateParameters: false);
            RequireP256(p, path);

            return JsonSerializer.SerializeToElement(new Dictionary<string, string>
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["x"] = Base64Url.EncodeToString(p.Q.X),
                ["y"] = Base64Url.EncodeToString(p.Q.Y),
            });
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new CliException($"key file `{path}` holds neither a JWK nor a PEM EC key: {ex.Message}", Output.ExitCodes.Usage);
        }
    }

    /// <summary>Reads a PEM P-256 private key, failing with a usage error.</summary>
    public static ECDsa ReadPrivateKey(string path)
    {
        var text = InputFiles.ReadText(path, "private key file");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(text);
            RequireP256(key.ExportParameters(includePrivateParameters: true), path);
            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new CliException($"`{path}` holds no PEM EC private key: {ex.Message}", Output.ExitCodes.Usage);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static void RequireP256(ECParameters parameters, string path)
    {
        if (parameters.Curve.Oid.FriendlyName is not ("nistP256" or "ECDSA_P256"))
        {
            throw new CliException($"key file `{path}` is not a P-256 key; Mandate client assertions use ES256", Output.ExitCodes.Usage);
        }
    }
}
