using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Delegation;
using Mandate.Tokens.Dpop;
using Mandate.Tokens.Federation;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;
using Mandate.Tokens.Revocation;
using Mandate.Tokens.Validation;

namespace Mandate.Tokens.Tests;

/// <summary>A settable clock.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// The token engine wired with in-memory parts, clients with one key each (<see cref="ClientId"/> unless a test adds
/// more), identity standing and delegation policy the test sets, and a clock the test moves.
/// </summary>
public sealed class TokenWorld : IDisposable, ISealedKeyRepository, IClientDirectory, ITokenEvents, IIdentityStatus, IDelegationPolicy
{
    private readonly Dictionary<string, (ClientRecord Record, ECDsa Key)> _clients = new(StringComparer.Ordinal);

    public const string ClientId = "bot";

    public TokenWorld()
    {
        Clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        Options = new TokenServiceOptions { Issuer = "https://mandate.test" };
        ClientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ClientJwk = EcPublicJwk.FromKey(ClientKey);
        Client = new ClientRecord(ClientId, ClientId, "Agent", true, [new ClientKey("crd_1", ClientJwk)]);
        Keys = new SigningKeyRing(new KeySealer(Kek), this, Clock, new SigningKeyRingOptions(TimeSpan.FromDays(30), TimeSpan.FromDays(1)));
        Keys.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        Replay = new InMemoryReplayCache(Clock);
        RemoteKeys = new RemoteKeySets(Http, Clock, new RemoteKeySetOptions());
        Nonces = new DpopNonces(Clock, TimeSpan.FromMinutes(5));
        Dpop = new DpopProofValidator(Replay, Nonces, Options, Clock);
        Assertions = new ClientAssertionValidator(this, RemoteKeys, Replay, Options, Clock);
        Federation = new JwtBearerGrant(this, RemoteKeys, Replay, Options, Clock);
        Revocations = new RevocationSet(this);
        Recorder = new DelegationRecorder(Store, Revocations);
        Validator = new AccessTokenValidator(Keys, Options, Clock, Revocations);
        var minter = new AccessTokenMinter(Keys, Options);
        Endpoint = new TokenEndpoint(Assertions, new ClientSecretValidator(this), Federation, Dpop, Keys, Options, Clock, this,
            new TokenExchangeGrant(Validator, minter, Recorder, Revocations, this, Options, Clock),
            new TransactionTokenGrant(Validator, Keys, Recorder, Revocations, this, Options, Clock));
        Transactions = new TransactionTokenValidator(Keys, Options, Clock, Revocations);
        Revoker = new TokenRevoker(Store, Revocations, Validator, Transactions, Options, Clock, this);
        Introspector = new TokenIntrospector(Validator);
    }

    public byte[] Kek { get; } = RandomNumberGenerator.GetBytes(32);

    public ManualClock Clock { get; }

    public TokenServiceOptions Options { get; }

    public ECDsa ClientKey { get; }

    public EcPublicJwk ClientJwk { get; }

    public ClientRecord Client { get; set; }

    public SigningKeyRing Keys { get; }

    public ClientAssertionValidator Assertions { get; }

    public HttpClient Http { get; } = RemoteKeySets.CreateHttpClient();

    public InMemoryReplayCache Replay { get; }

    public RemoteKeySets RemoteKeys { get; }

    public DpopNonces Nonces { get; }

    public DpopProofValidator Dpop { get; }

    public JwtBearerGrant Federation { get; }

    /// <summary>The federated trusts the directory answers with, whatever the issuer asked for is.</summary>
    public List<FederatedTrust> Trusts { get; } = [];

    public TokenEndpoint Endpoint { get; }

    public AccessTokenValidator Validator { get; }

    public MemoryDelegationStore Store { get; } = new();

    public RevocationSet Revocations { get; }

    public DelegationRecorder Recorder { get; }

    public TokenRevoker Revoker { get; }

    public TransactionTokenValidator Transactions { get; }

    public TokenIntrospector Introspector { get; }

    /// <summary>Identities the test suspended (the kill switch).</summary>
    public HashSet<string> Inactive { get; } = new(StringComparer.Ordinal);

    /// <summary>Credentials the test revoked.</summary>
    public HashSet<string> RevokedCredentials { get; } = new(StringComparer.Ordinal);

    /// <summary>The control-plane policy: every question asked, and the answer (allow by default).</summary>
    public Func<DelegationQuestion, DelegationVerdict> Policy { get; set; } = _ => new DelegationVerdict(true, "allowed by the test");

    public List<DelegationQuestion> Questions { get; } = [];

    public List<RevokedToken> RevokedTokens { get; } = [];

    public List<OAuthError> Refusals { get; } = [];

    public string? SavedKeys { get; private set; }

    public List<string> Outcomes { get; } = [];

    /// <summary>Registers another client with its own key; its credential id is <c>crd_{id}</c>.</summary>
    public void AddClient(string id, string kind = "Agent")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _clients[id] = (new ClientRecord(id, id, kind, true, [new ClientKey("crd_" + id, EcPublicJwk.FromKey(key))]), key);
    }

    /// <summary>A client-credentials token of client <paramref name="clientId"/>.</summary>
    public async Task<string> TokenOfAsync(string clientId, params (string Name, string Value)[] extra)
    {
        var result = await RequestAsync(FormOf(clientId, "client_credentials", extra));
        return result.Token?.AccessToken ?? throw new InvalidOperationException(result.Error?.Description);
    }

    /// <summary>A token request of <paramref name="clientId"/>, authenticated with its signed assertion.</summary>
    public Dictionary<string, string[]> FormOf(string clientId, string grantType, params (string Name, string Value)[] extra)
    {
        var form = Form(AssertionOf(clientId), extra);
        form["grant_type"] = [grantType];
        return form;
    }

    /// <summary>A token exchange by <paramref name="clientId"/>.</summary>
    public Task<TokenResult> ExchangeAsync(string clientId, string subjectToken, string? actorToken, params (string Name, string Value)[] extra)
    {
        List<(string, string)> parameters = [("subject_token", subjectToken), ("subject_token_type", IssuedToken.AccessTokenTypeUri)];
        if (actorToken is not null)
        {
            parameters.Add(("actor_token", actorToken));
            parameters.Add(("actor_token_type", IssuedToken.AccessTokenTypeUri));
        }

        return RequestAsync(FormOf(clientId, TokenExchangeGrant.GrantType, [.. parameters, .. extra]));
    }

    public string AssertionOf(string clientId) =>
        clientId == ClientId ? Assertion() : Assertion(c => (c["iss"], c["sub"]) = (clientId, clientId), key: _clients[clientId].Key, kid: _clients[clientId].Record.Keys[0].Jwk.Kid);

    public static JsonElement Claims(string token) => JsonDocument.Parse(Part(token, 1)).RootElement.Clone();

    public string Assertion(Action<Dictionary<string, object>>? edit = null, string type = "JWT", ECDsa? key = null, string? kid = null)
    {
        var now = Clock.Now;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = ClientId,
            ["sub"] = ClientId,
            ["aud"] = Options.TokenEndpoint,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(1).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        edit?.Invoke(claims);
        return CompactJws.Sign(JsonSerializer.SerializeToUtf8Bytes(claims), key ?? ClientKey, kid ?? ClientJwk.Kid, type);
    }

    public Dictionary<string, string[]> Form(string assertion, params (string Name, string Value)[] extra)
    {
        var form = new Dictionary<string, string[]>
        {
            ["grant_type"] = ["client_credentials"],
            ["client_assertion_type"] = [ClientAssertionValidator.JwtBearerType],
            ["client_assertion"] = [assertion],
        };
        foreach (var group in extra.GroupBy(e => e.Name))
        {
            form[group.Key] = [.. group.Select(e => e.Value)];
        }

        return form;
    }

    public async Task<TokenResult> RequestAsync(Dictionary<string, string[]> form) =>
        await Endpoint.HandleAsync(form, new TokenRequestContext("127.0.0.1", "test", "req"), CancellationToken.None);

    public async Task<string> TokenAsync(params (string Name, string Value)[] extra)
    {
        var result = await RequestAsync(Form(Assertion(), extra));
        return result.Token?.AccessToken ?? throw new InvalidOperationException(result.Error?.Description);
    }

    /// <summary>Re-signs a token's (possibly edited) header and claims with an arbitrary algorithm, as an attacker would.</summary>
    public static string Forge(string headerJson, string claimsJson, Func<byte[], byte[]> sign)
    {
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(headerJson)) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claimsJson));
        return input + "." + Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(input)));
    }

    public static string Part(string token, int index) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[index]));

    public Task<string?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(SavedKeys);

    public Task SaveAsync(string sealedKeys, CancellationToken cancellationToken)
    {
        SavedKeys = sealedKeys;
        return Task.CompletedTask;
    }

    public ValueTask<ClientRecord?> FindAsync(string clientId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(clientId == Client.ClientId ? Client : _clients.TryGetValue(clientId, out var client) ? client.Record : null);

    /// <summary>The one API key the client holds in these tests.</summary>
    public const string Secret = "the-client-secret";

    public ValueTask<string?> VerifySecretAsync(ClientRecord client, string secret, CancellationToken cancellationToken) =>
        ValueTask.FromResult(secret == Secret ? "crd_key" : null);

    public ValueTask<IReadOnlyList<FederatedTrust>> FindTrustsAsync(string issuer, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<FederatedTrust>>([.. Trusts.Where(t => t.Issuer == issuer)]);

    public void Issued(IssuedToken token, TokenRequestContext context) => Outcomes.Add("issued " + token.Subject);

    public void Refused(OAuthError error, string? clientId, TokenRequestContext context)
    {
        Outcomes.Add("refused " + error.Error);
        Refusals.Add(error);
    }

    public void Revoked(RevokedToken token, TokenRequestContext context) => RevokedTokens.Add(token);

    public bool IsActive(string identityId) => !Inactive.Contains(identityId);

    public bool IsCredentialRevoked(string credentialId) => RevokedCredentials.Contains(credentialId);

    public DelegationVerdict Decide(DelegationQuestion question)
    {
        Questions.Add(question);
        return Policy(question);
    }

    public void Dispose()
    {
        Recorder.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Http.Dispose();
        Keys.Dispose();
        ClientKey.Dispose();
        foreach (var (_, key) in _clients.Values)
        {
            key.Dispose();
        }
    }
}
