namespace Mandate.Tokens.Clients;

/// <summary>
/// Authenticates clients by API key (<c>client_secret_post</c> or <c>client_secret_basic</c>), the fallback for
/// clients that cannot sign assertions. Issued tokens record the weaker method.
/// </summary>
public sealed class ClientSecretValidator(IClientDirectory clients)
{
    /// <summary>Authenticates <paramref name="clientId"/> with <paramref name="secret"/> sent by <paramref name="method"/>.</summary>
    public async ValueTask<ClientAuthentication> AuthenticateAsync(string? clientId, string secret, string method, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            return OAuthError.InvalidClient("`client_id` is required with a client secret");
        }

        var client = await clients.FindAsync(clientId, cancellationToken);
        if (client is null)
        {
            return OAuthError.InvalidClient($"unknown client `{(clientId.Length > 64 ? clientId[..61] + "..." : clientId)}`");
        }

        if (!client.IsActive)
        {
            return OAuthError.InvalidClient($"client `{clientId}` is not active (suspended, deactivated or expired)");
        }

        var credentialId = await clients.VerifySecretAsync(client, secret, cancellationToken);
        return credentialId is null
            ? OAuthError.InvalidClient("the client secret is not a usable API key of this client")
            : new ClientAuthentication(client, credentialId, method);
    }
}
