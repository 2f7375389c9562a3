using System.Globalization;
using Mandate.Core.Credentials;
using Mandate.Core.Identities;

namespace Mandate.Cli.Output;

/// <summary>How the CLI names domain values for people (kebab-case) and on the wire (snake_case).</summary>
internal static class IdentityWords
{
    public static string Kind(IdentityKind kind) => kind switch
    {
        IdentityKind.ServiceAccount => "service-account",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string Wire(IdentityKind kind) => Kind(kind).Replace('-', '_');

    public static bool TryParseKind(string text, out IdentityKind kind) =>
        Enum.TryParse(text.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out kind)
        && Enum.IsDefined(kind);

    public static string Credential(CredentialKind kind) => kind switch
    {
        CredentialKind.PublicKey => "public-key",
        CredentialKind.ApiKey => "api-key",
        CredentialKind.FederatedTrust => "federated-trust",
        CredentialKind.JwksUri => "jwks-uri",
        _ => "certificate",
    };

    public static string When(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";
}
