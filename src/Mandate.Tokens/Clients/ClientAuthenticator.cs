namespace Mandate.Tokens.Clients;

/// <summary>
/// Client authentication at any OAuth endpoint (token, introspection): exactly one method per request (RFC 6749
/// section 2.3) — a signed assertion (<c>private_key_jwt</c>), or an API key by <c>client_secret_post</c> or
/// <c>client_secret_basic</c>.
/// </summary>
public sealed class ClientAuthenticator(ClientAssertionValidator assertions, ClientSecretValidator secrets)
{
    /// <summary>Whether the request carries any client credentials at all.</summary>
    public static bool HasCredentials(IReadOnlyDictionary<string, string[]> form, BasicCredentials? basic)
    {
        ArgumentNullException.ThrowIfNull(form);
        return basic is not null || Single(form, "client_assertion") is not null || Single(form, "client_secret") is not null;
    }

    /// <summary>Authenticates the client that sent <paramref name="form"/> (and <paramref name="basic"/>, if any).</summary>
    public async ValueTask<ClientAuthentication> AuthenticateAsync(
        IReadOnlyDictionary<string, string[]> form, BasicCredentials? basic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var clientId = Single(form, "client_id");
        var assertion = Single(form, "client_assertion");
        var secret = Single(form, "client_secret");
        var methods = (assertion is null ? 0 : 1) + (secret is null ? 0 : 1) + (basic is null ? 0 : 1);
        if (methods > 1)
        {
            return OAuthError.InvalidRequest("use exactly one client authentication method");
        }

        if (basic is not null)
        {
            return clientId is not null && clientId != basic.ClientId
                ? OAuthError.InvalidClient("`client_id` does not match the Basic credentials")
                : await secrets.AuthenticateAsync(basic.ClientId, basic.Secret, ClientAuthentication.ClientSecretBasic, cancellationToken);
        }

        return secret is not null
            ? await secrets.AuthenticateAsync(clientId, secret, ClientAuthentication.ClientSecretPost, cancellationToken)
            : await assertions.AuthenticateAsync(clientId, Single(form, "client_assertion_type"), assertion, cancellationToken);
    }

    private static string? Single(IReadOnlyDictionary<string, string[]> form, string name) =>
        form.TryGetValue(name, out var values) && values.Length > 0 && values[0].Length > 0 ? values[0] : null;
}
