using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mandate.Tokens.Keys;

/// <summary>
/// The issuer's signing keys: the current key signs; keys retired within the overlap window stay published
/// so tokens they signed still verify. Keys are persisted sealed, and rotated by age.
/// </summary>
public sealed class SigningKeyRing : IDisposable
{
    private const string Purpose = "mandate.signing-keys";
    private readonly KeySealer _sealer;
    private readonly ISealedKeyRepository _repository;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _rotation = new(1, 1);
    private volatile KeySet _keys = KeySet.Empty;

    /// <summary>Creates a ring; call <see cref="InitializeAsync"/> before use.</summary>
    public SigningKeyRing(KeySealer sealer, ISealedKeyRepository repository, TimeProvider time, SigningKeyRingOptions options)
    {
        _sealer = sealer;
        _repository = repository;
        _time = time;
        Options = options;
    }

    /// <summary>Rotation settings.</summary>
    public SigningKeyRingOptions Options { get; }

    /// <summary>The key that signs new tokens.</summary>
    public SigningKey Current => _keys.Current ?? throw new InvalidOperationException("the signing key ring is not initialized");

    /// <summary>The published JWKS document (RFC 7517 section 5).</summary>
    public string JwksJson => _keys.Jwks;

    /// <summary>Finds a published key by id.</summary>
    public SigningKey? Find(string keyId) => _keys.ById.GetValueOrDefault(keyId);

    /// <summary>Loads the persisted keys (creating the first one if none) and rotates when the current key is too old.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var sealedKeys = await _repository.LoadAsync(cancellationToken);
        var keys = sealedKeys is null ? [] : Unseal(sealedKeys);
        _keys = KeySet.Create(keys);
        await RotateIfDueAsync(cancellationToken);
    }

    /// <summary>Loads the persisted keys without creating or rotating any, for tools that only verify.</summary>
    public async Task LoadExistingAsync(CancellationToken cancellationToken)
    {
        var sealedKeys = await _repository.LoadAsync(cancellationToken);
        _keys = KeySet.Create(sealedKeys is null ? [] : Unseal(sealedKeys));
    }

    /// <summary>Creates a new current key when the current one is older than the rotation period, and drops keys past the overlap.</summary>
    public async Task<bool> RotateIfDueAsync(CancellationToken cancellationToken)
    {
        await _rotation.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            var current = _keys.Current;
            if (current is not null && now - current.CreatedAt < Options.RotationPeriod && current.Algorithm == Options.Algorithm)
            {
                return false;
            }

            // A change of the configured algorithm rotates at once; the old key stays published for the overlap.
            var fresh = SigningKey.Generate(Options.Algorithm, now);
            // A retired key stays published for the overlap window after it stopped signing.
            var kept = _keys.All.Where(k => now - k.CreatedAt < Options.RotationPeriod + Options.Overlap).ToList();
            var next = KeySet.Create([fresh, .. kept]);
            await _repository.SaveAsync(Seal(next.All), cancellationToken);
            _keys = next;
            return true;
        }
        finally
        {
            _rotation.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var key in _keys.All)
        {
            key.Dispose();
        }

        _rotation.Dispose();
    }

    private string Seal(IReadOnlyList<SigningKey> keys)
    {
        var stored = keys.Select(k => new StoredKey(Convert.ToBase64String(k.ExportPkcs8()), k.CreatedAt, k.Algorithm)).ToArray();
        return _sealer.Seal(JsonSerializer.SerializeToUtf8Bytes(stored, TokenJsonContext.Default.StoredKeyArray), Purpose);
    }

    private List<SigningKey> Unseal(string sealedKeys)
    {
        var json = _sealer.Open(sealedKeys, Purpose);
        try
        {
            var stored = JsonSerializer.Deserialize(json, TokenJsonContext.Default.StoredKeyArray) ?? [];
            return [.. stored.Select(s => SigningKey.ImportPkcs8(s.Algorithm, Convert.FromBase64String(s.Pkcs8), s.CreatedAt))];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    private sealed record KeySet(SigningKey? Current, IReadOnlyList<SigningKey> All, IReadOnlyDictionary<string, SigningKey> ById, string Jwks)
    {
        public static readonly KeySet Empty = new(null, [], new Dictionary<string, SigningKey>(), """{"keys":[]}""");

        public static KeySet Create(IReadOnlyList<SigningKey> keys)
        {
            var ordered = keys.OrderByDescending(k => k.CreatedAt).ToList();
            var jwks = new StringBuilder("""{"keys":[""").AppendJoin(',', ordered.Select(k => k.PublicJwk.ToJson())).Append("]}").ToString();
            return new KeySet(ordered.FirstOrDefault(), ordered, ordered.ToDictionary(k => k.KeyId, StringComparer.Ordinal), jwks);
        }
    }
}

/// <summary>How often signing keys rotate, how long retired keys stay published, and which algorithm new keys use.</summary>
/// <param name="RotationPeriod">Age after which a new key takes over signing.</param>
/// <param name="Overlap">How long a retired key keeps verifying (at least the longest token lifetime).</param>
/// <param name="Algorithm">ES256 (the default: every JOSE library verifies it) or EdDSA.</param>
public sealed record SigningKeyRingOptions(TimeSpan RotationPeriod, TimeSpan Overlap, string Algorithm = Jose.JwsAlgorithms.ES256)
{
    /// <summary>30-day rotation with a 1-day overlap.</summary>
    public static SigningKeyRingOptions Default { get; } = new(TimeSpan.FromDays(30), TimeSpan.FromDays(1));
}

// Algorithm is null in key sets stored before EdDSA existed: those keys are ES256.
internal sealed record StoredKey(string Pkcs8, DateTimeOffset CreatedAt, string? Algorithm);
