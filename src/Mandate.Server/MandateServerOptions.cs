namespace Mandate.Server;

/// <summary>How a Mandate server runs. Every member has a working default.</summary>
public sealed record MandateServerOptions
{
    /// <summary>Environment variable naming the data directory.</summary>
    public const string DataDirectoryVariable = "MANDATE_DATA";

    /// <summary>Environment variable carrying the bootstrap admin token.</summary>
    public const string AdminTokenVariable = "MANDATE_ADMIN_TOKEN";

    /// <summary>Environment variable choosing the signing algorithm (<c>ES256</c> or <c>EdDSA</c>).</summary>
    public const string SigningAlgorithmVariable = "MANDATE_SIGNING_ALG";

    /// <summary>Default listen address.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Where the embedded store keeps its files.</summary>
    public string DataDirectory { get; init; } = "mandate-data";

    /// <summary>Addresses to listen on (Kestrel URL syntax; port 0 picks a free port).</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>Bootstrap admin token; when null one is generated at first start and printed once.</summary>
    public string? AdminToken { get; init; }

    /// <summary>Token issuer identifier; defaults to the first listen address.</summary>
    public string? Issuer { get; init; }

    /// <summary>File holding the base64 key-encryption key that seals signing keys; see <c>MANDATE_KEK</c>.</summary>
    public string? KeyEncryptionKeyFile { get; init; }

    /// <summary>
    /// Algorithm of new signing keys: <c>ES256</c> (default) or <c>EdDSA</c>. Changing it rotates at the next start;
    /// the previous key stays published for the overlap. Note: the ASP.NET Core JwtBearer handler cannot verify EdDSA.
    /// </summary>
    public string SigningAlgorithm { get; init; } = "ES256";

    /// <summary>Whether DPoP proofs at the token endpoint must carry a fresh server nonce (<c>DPoP-Nonce</c>).</summary>
    public bool DpopNonceRequired { get; init; } = true;

    /// <summary>A policy bundle directory served beside the stored policies (<c>*.cedar</c>, <c>entities.json</c>).</summary>
    public string? BundleDirectory { get; init; }

    /// <summary>Largest <see cref="MaxDelegationDepth"/> accepted.</summary>
    public const int MaxDelegationDepthLimit = 10;

    /// <summary>Most <c>act</c> hops a delegated token may carry (1 to <see cref="MaxDelegationDepthLimit"/>).</summary>
    public int MaxDelegationDepth { get; init; } = 5;

    /// <summary>The default <see cref="AccessTokenLifetime"/>.</summary>
    public static readonly TimeSpan DefaultAccessTokenLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Shortest <see cref="AccessTokenLifetime"/> accepted.</summary>
    public static readonly TimeSpan MinAccessTokenLifetime = TimeSpan.FromMinutes(1);

    /// <summary>Longest <see cref="AccessTokenLifetime"/> accepted: access tokens are meant to live minutes, not days.</summary>
    public static readonly TimeSpan MaxAccessTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// How long an access token is valid (<see cref="DefaultAccessTokenLifetime"/> unless set; <see cref="MinAccessTokenLifetime"/>
    /// to <see cref="MaxAccessTokenLifetime"/>). A delegated token never outlives the tokens it was exchanged from.
    /// </summary>
    public TimeSpan AccessTokenLifetime { get; init; } = DefaultAccessTokenLifetime;

    /// <summary>The trust domain of transaction tokens (their <c>aud</c>); defaults to the issuer.</summary>
    public string? TrustDomain { get; init; }

    /// <summary>Seed a demo fleet and run a traffic simulator.</summary>
    public bool Demo { get; init; }

    /// <summary>Most items in one <c>/access/v1/evaluations</c> batch.</summary>
    public int MaxBatchEvaluations { get; init; } = 1000;

    /// <summary>Largest request body accepted, in bytes.</summary>
    public long MaxRequestBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest event submission accepted by <c>POST /v1/events</c>; bigger ones get 413.</summary>
    public long MaxIngestBodyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Largest bundle upload accepted by <c>PUT /v1/bundle</c>; bigger ones get 413.</summary>
    public long MaxBundleBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>How often a signed checkpoint of the audit chain is taken (when events were added); one is also taken at shutdown.</summary>
    public TimeSpan AuditCheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long events are kept (by age and/or count); by default, forever.</summary>
    public Telemetry.Retention.EventRetentionOptions EventRetention { get; init; } = new();

    /// <summary>
    /// Whether the authorization snapshot's memory is backed by transparent huge pages once built (Linux 6.1 and later,
    /// unless the system disabled them): fewer TLB misses for decisions over large policy sets and entity stores.
    /// </summary>
    public bool HugePages { get; init; } = true;

    /// <summary>Where the generated admin token is printed (standard output by default).</summary>
    public TextWriter? Announcements { get; init; }
}
