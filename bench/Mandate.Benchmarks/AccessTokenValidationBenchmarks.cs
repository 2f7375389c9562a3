using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Mandate.Tokens;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Dpop;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Keys;
using Mandate.Tokens.Revocation;
using Mandate.Tokens.Validation;

namespace Mandate.Benchmarks;

/// <summary>
/// In-process validation of a Mandate access token (parse, header rules, ES256 signature, claims), on first and
/// on repeat presentation, beside the reference: a raw ES256 verification of the same signing input.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AccessTokenValidationBenchmarks
{
    private AccessTokenValidator _validator = null!;
    private RevocationSet _revocations = null!;
    private TokenServiceOptions _options = null!;
    private SigningKeyRing _keys = null!;
    private string _token = null!;
    private byte[] _signingInput = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var options = new TokenServiceOptions { Issuer = "https://mandate.example" };
        _keys = new SigningKeyRing(new KeySealer(RandomNumberGenerator.GetBytes(32)), new MemoryKeys(), TimeProvider.System, SigningKeyRingOptions.Default);
        await _keys.InitializeAsync(CancellationToken.None);
        _options = options;
        _revocations = new RevocationSet(new AllActive());
        _validator = new AccessTokenValidator(_keys, options, TimeProvider.System, _revocations);

        using var client = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = Mandate.Tokens.Jose.EcPublicJwk.FromKey(client);
        var directory = new OneClient(new ClientRecord("bench-agent", "bench-agent", "Agent", true, [new ClientKey("crd_bench", jwk)]));
        var replay = new InMemoryReplayCache(TimeProvider.System);
        using var http = new HttpClient();
        var remote = new RemoteKeySets(http, TimeProvider.System, new RemoteKeySetOptions());
        var endpoint = new TokenEndpoint(new ClientAssertionValidator(directory, remote, replay, options, TimeProvider.System),
            new ClientSecretValidator(directory), new JwtBearerGrant(directory, remote, replay, options, TimeProvider.System),
            new DpopProofValidator(replay, new DpopNonces(TimeProvider.System, TimeSpan.FromMinutes(5)), options, TimeProvider.System),
            _keys, options, TimeProvider.System, new NoEvents());
        var form = new Dictionary<string, string[]>
        {
            ["grant_type"] = ["client_credentials"],
            ["client_assertion_type"] = [ClientAssertionValidator.JwtBearerType],
            ["client_assertion"] = [ClientAssertion.Sign(client, jwk.Kid, "bench-agent", options.TokenEndpoint, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1))],
        };
        var result = await endpoint.HandleAsync(form, new TokenRequestContext(null, null, null), CancellationToken.None);
        _token = result.Token?.AccessToken ?? throw new InvalidOperationException(result.Error?.Description);

        var lastDot = _token.LastIndexOf('.');
        _signingInput = Encoding.ASCII.GetBytes(_token[..lastDot]);
        _signature = Base64Url.DecodeFromChars(_token.AsSpan(lastDot + 1));
    }

    [GlobalCleanup]
    public void Cleanup() => _keys.Dispose();

    [Benchmark(Baseline = true, Description = "raw ES256 verify (reference)")]
    public bool RawEs256Verify() => _keys.Current.PublicJwk.Verify(_keys.Current.Algorithm, _signingInput, _signature);

    [Benchmark(Description = "first presentation (full verification)")]
    public bool ValidateFirstPresentation() =>
        new AccessTokenValidator(_keys, _options, TimeProvider.System, _revocations).Validate(_token).Token is not null;

    [Benchmark(Description = "repeat presentation (verified before)")]
    public bool ValidateRepeatPresentation() => _validator.Validate(_token).Token is not null;

    private sealed class AllActive : IIdentityStatus
    {
        public bool IsActive(string identityId) => true;

        public bool IsCredentialRevoked(string credentialId) => false;
    }

    private sealed class MemoryKeys : ISealedKeyRepository
    {
        private string? _value;

        public Task<string?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(_value);

        public Task SaveAsync(string sealedKeys, CancellationToken cancellationToken)
        {
            _value = sealedKeys;
            return Task.CompletedTask;
        }
    }

    private sealed class OneClient(ClientRecord client) : IClientDirectory
    {
        public ValueTask<ClientRecord?> FindAsync(string clientId, CancellationToken cancellationToken) =>
            ValueTask.FromResult(clientId == client.ClientId ? client : null);

        public ValueTask<string?> VerifySecretAsync(ClientRecord client, string secret, CancellationToken cancellationToken) =>
            ValueTask.FromResult<string?>(null);

        public ValueTask<IReadOnlyList<Mandate.Tokens.Federation.FederatedTrust>> FindTrustsAsync(string issuer, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<Mandate.Tokens.Federation.FederatedTrust>>([]);
    }

    private sealed class NoEvents : ITokenEvents
    {
        public void Issued(IssuedToken token, TokenRequestContext context)
        {
        }

        public void Refused(OAuthError error, string? clientId, TokenRequestContext context)
        {
        }

        public void Revoked(RevokedToken token, TokenRequestContext context)
        {
        }
    }
}
