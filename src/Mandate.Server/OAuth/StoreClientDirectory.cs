using Mandate.Authorization;
using Mandate.Core.Credentials;
using Mandate.Core.Storage;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Jose;

namespace Mandate.Server.OAuth;

/// <summary>Clients are identities: <c>client_id</c> is the identity id, keys are its usable public-key credentials.</summary>
internal sealed class StoreClientDirectory(IMandateStore store, TimeProvider time) : IClientDirectory
{
    public async ValueTask<ClientRecord?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        var identity = await store.Identities.GetAsync(clientId, cancellationToken);
        if (identity is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var keys = new List<ClientKey>();
        foreach (var credential in await store.Credentials.ListForIdentityAsync(identity.Id, cancellationToken))
        {
            if (credential.IsUsable(now) && credential.Material is PublicKeyMaterial key)
            {
                keys.Add(new ClientKey(credential.Id, PublicJwk.Parse(key.Jwk)));
            }
        }

        return new ClientRecord(identity.Id, identity.Id, EntityGraph.TypeOf(identity.Kind), identity.IsEffective(now), keys);
    }

    public async ValueTask<string?> VerifySecretAsync(ClientRecord client, string secret, CancellationToken cancellationToken)
    {
        // The checksum rejects typos and random strings before any store lookup.
        if (!ApiKeySecret.TryGetLookupPrefix(secret, out var prefix))
        {
            return null;
        }

        var credential = await store.Credentials.FindApiKeyAsync(prefix, cancellationToken);
        return credential is { Material: ApiKeyMaterial material }
            && credential.IdentityId == client.ClientId
            && credential.IsUsable(time.GetUtcNow())
            && ApiKeySecret.Matches(secret, material)
            ? credential.Id
            : null;
    }
}
