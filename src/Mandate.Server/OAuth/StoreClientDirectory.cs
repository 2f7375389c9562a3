using System.Collections.Concurrent;
using Mandate.Authorization;
using Mandate.Core.Credentials;
using Mandate.Core.Storage;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Federation;
using Mandate.Tokens.Jose;

namespace Mandate.Server.OAuth;

/// <summary>
/// Clients are identities: <c>client_id</c> is the identity id, keys are its usable public-key and JWKS-URI
/// credentials, federated trusts map external subjects to it. Parsed clients and the trust index are kept in
/// memory until the store changes or a validity time passes, so the token path neither reads the database nor
/// re-parses keys.
/// </summary>
internal sealed class StoreClientDirectory : IClientDirectory
{
    private readonly IMandateStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Cached> _clients = new(StringComparer.Ordinal);
    private volatile TrustIndex? _trusts;
    private long _generation;

    public StoreClientDirectory(IMandateStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        store.StateChanged += (_, _) => Invalidate();
    }

    public async ValueTask<ClientRecord?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_clients.TryGetValue(clientId, out var cached) && now < cached.ValidUntil)
        {
            return cached.Client;
        }

        var generation = Interlocked.Read(ref _generation);
        var loaded = await LoadAsync(clientId, now, cancellationToken);
        if (loaded.Client is not null && Interlocked.Read(ref _generation) == generation)
        {
            _clients[clientId] = loaded;
        }

        return loaded.Client;
    }

    public async ValueTask<string?> VerifySecretAsync(ClientRecord client, string secret, CancellationToken cancellationToken)
    {
        // The checksum rejects typos and random strings before any store lookup.
        if (!ApiKeySecret.TryGetLookupPrefix(secret, out var prefix))
        {
            return null;
        }

        var credential = await _store.Credentials.FindApiKeyAsync(prefix, cancellationToken);
        return credential is { Material: ApiKeyMaterial material }
            && credential.IdentityId == client.ClientId
            && credential.IsUsable(_time.GetUtcNow())
            && ApiKeySecret.Matches(secret, material)
            ? credential.Id
            : null;
    }

    public async ValueTask<IReadOnlyList<FederatedTrust>> FindTrustsAsync(string issuer, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var index = _trusts;
        if (index is null || now >= index.ValidUntil)
        {
            var generation = Interlocked.Read(ref _generation);
            index = await BuildTrustIndexAsync(now, cancellationToken);
            if (Interlocked.Read(ref _generation) == generation)
            {
                _trusts = index;
            }
        }

        return index.ByIssuer.TryGetValue(issuer, out var trusts) ? trusts : [];
    }

    private void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _clients.Clear();
        _trusts = null;
    }

    private async Task<Cached> LoadAsync(string clientId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var identity = await _store.Identities.GetAsync(clientId, cancellationToken);
        if (identity is null)
        {
            return new Cached(null, now);
        }

        var validUntil = identity.ExpiresAt ?? DateTimeOffset.MaxValue;
        var keys = new List<ClientKey>();
        var keySets = new List<ClientKeySetUri>();
        foreach (var credential in await _store.Credentials.ListForIdentityAsync(identity.Id, cancellationToken))
        {
            if (!credential.IsUsable(now))
            {
                continue;
            }

            if (credential.ExpiresAt is { } expires && expires < validUntil)
            {
                validUntil = expires;
            }

            switch (credential.Material)
            {
                case PublicKeyMaterial key:
                    keys.Add(new ClientKey(credential.Id, PublicJwk.Parse(key.Jwk)));
                    break;
                case JwksUriMaterial set:
                    keySets.Add(new ClientKeySetUri(credential.Id, set.Uri));
                    break;
                default:
                    break;
            }
        }

        var client = new ClientRecord(identity.Id, identity.Id, EntityGraph.TypeOf(identity.Kind), identity.IsEffective(now), keys) { KeySetUris = keySets };
        return new Cached(client, validUntil);
    }

    private async Task<TrustIndex> BuildTrustIndexAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var byIssuer = new Dictionary<string, List<FederatedTrust>>(StringComparer.Ordinal);
        var validUntil = now + TimeSpan.FromMinutes(1);
        var page = new PageRequest(500, null);
        while (true)
        {
            var credentials = await _store.Credentials.ListAsync(null, CredentialKind.FederatedTrust, page, cancellationToken);
            foreach (var credential in credentials.Items)
            {
                if (!credential.IsUsable(now) || credential.Material is not FederatedTrustMaterial trust
                    || await FindAsync(credential.IdentityId, cancellationToken) is not { } client)
                {
                    continue;
                }

                var keys = trust.Jwks is null ? [] : PublicJwk.ParseSet(System.Text.Encoding.UTF8.GetBytes(trust.Jwks));
                if (keys.Count == 0 && trust.JwksUri is null)
                {
                    continue;
                }

                if (!byIssuer.TryGetValue(trust.Issuer, out var list))
                {
                    byIssuer[trust.Issuer] = list = [];
                }

                list.Add(new FederatedTrust(credential.Id, client, trust.Issuer, trust.SubjectPattern, trust.Audience, keys, trust.JwksUri, trust.AllowReuse));
            }

            if (credentials.NextCursor is null)
            {
                break;
            }

            page = new PageRequest(500, credentials.NextCursor);
        }

        // Identity and credential expiries pass without a store change; rebuild at least every minute to notice them.
        return new TrustIndex(byIssuer.ToDictionary(p => p.Key, p => (IReadOnlyList<FederatedTrust>)p.Value, StringComparer.Ordinal), validUntil);
    }

    private sealed record Cached(ClientRecord? Client, DateTimeOffset ValidUntil);

    private sealed record TrustIndex(IReadOnlyDictionary<string, IReadOnlyList<FederatedTrust>> ByIssuer, DateTimeOffset ValidUntil);
}
