using Mandate.Tokens.Federation;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Clients;

/// <summary>What the token engine needs to know about a client: who it is and how it proves it.</summary>
/// <param name="ClientId">The OAuth <c>client_id</c>.</param>
/// <param name="Subject">The identity the client's tokens speak for (<c>sub</c>).</param>
/// <param name="SubjectKind">The identity's kind, carried in tokens for policies and audit.</param>
/// <param name="IsActive">False when the identity is suspended, deactivated or expired.</param>
/// <param name="Keys">Registered public keys for <c>private_key_jwt</c>, each with its credential id.</param>
public sealed record ClientRecord(string ClientId, string Subject, string SubjectKind, bool IsActive, IReadOnlyList<ClientKey> Keys)
{
    /// <summary>URLs where the client publishes further keys (RFC 7591 <c>jwks_uri</c>), each with its credential id.</summary>
    public IReadOnlyList<ClientKeySetUri> KeySetUris { get; init; } = [];
}

/// <summary>A registered verification key and the credential it came from.</summary>
/// <param name="CredentialId">The credential id, reported when the key is used.</param>
/// <param name="Jwk">The public key.</param>
public sealed record ClientKey(string CredentialId, PublicJwk Jwk);

/// <summary>A registered JWKS URL and the credential it came from.</summary>
/// <param name="CredentialId">The credential id, reported when one of its keys is used.</param>
/// <param name="Uri">The URL.</param>
public sealed record ClientKeySetUri(string CredentialId, string Uri);

/// <summary>Finds clients; implemented by the host over its store.</summary>
public interface IClientDirectory
{
    /// <summary>The client with this id, or null.</summary>
    ValueTask<ClientRecord?> FindAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>
    /// The id of the client's usable API key credential that <paramref name="secret"/> is, or null. API keys are a
    /// weaker fallback to signed assertions: a shared secret that can leak.
    /// </summary>
    ValueTask<string?> VerifySecretAsync(ClientRecord client, string secret, CancellationToken cancellationToken);

    /// <summary>Every usable federated trust in <paramref name="issuer"/>, with the client each one maps to.</summary>
    ValueTask<IReadOnlyList<FederatedTrust>> FindTrustsAsync(string issuer, CancellationToken cancellationToken);
}
