namespace Mandate.Tokens.Clients;

/// <summary>
/// Authenticates the client of a token, revocation or introspection request by exactly one method (RFC 6749
/// section 2.3): a signed assertion, an API key in the form, or HTTP Basic.
/// </summary>
public sealed class ClientAuthenticator(ClientAssertionValidator assertions, ClientSecretValidator secrets)
{
    /// <summary>Whether the request carries any client credentials at all.</summary>
    public static bool HasCredentials(IReadOnlyDictionary<string, string[]> form, BasicCredentials? basic)
    {
        ArgumentNullException.ThrowIfNull(form);
        return basic is not null || OAuthForm.Single(form, "client_assertion") is not null || OAuthForm.Single(form, "client_secret") is not null;
    }

    /// <summary>Authenticates the client, or says why not.</summary>
    public async ValueTask<ClientAuthentication> AuthenticateAsync(
        IReadOnlyDictionary<string, string[]> form, BasicCredentials? basic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var clientId = OAuthForm.Single(form, "client_id");
        var assertion = OAuthForm.Single(form, "client_assertion");
        var secret = OAuthForm.Single(form, "client_secret");
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
            : await assertions.AuthenticateAsync(clientId, OAuthForm.Single(form, "client_assertion_type"), assertion, cancellationToken);
    }
}
