using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mandate.Core.Administration;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Identities;
using Mandate.Core.Storage;

namespace Mandate.Core.Registration;

/// <summary>
/// Issues, checks, spends and revokes initial access tokens. Tokens are shown once and kept only as hashes in the
/// settings store. Spending is serialized in this process, so a token's use limit holds against concurrent
/// registrations on one server (replicas sharing a store could each spend the last use once).
/// </summary>
public sealed class RegistrationTokens(IMandateStore store, IEventSink events, TimeProvider time) : IDisposable
{
    /// <summary>The recognisable prefix of initial access tokens.</summary>
    public const string Prefix = "mnd_reg_";

    /// <summary>Longest validity an admin may give a token.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    /// <summary>Most registrations one token may allow.</summary>
    public const int MaxUsesLimit = 10_000;

    private const string KeyPrefix = "registration_token.";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly SemaphoreSlim _spend = new(1, 1);

    /// <inheritdoc />
    public void Dispose() => _spend.Dispose();

    /// <summary>Issues a token; the returned secret is shown once.</summary>
    public async Task<(RegistrationToken Token, string Secret)> IssueAsync(
        string owner, IdentityKind kind, int maxUses, TimeSpan lifetime, string? description, AuditContext audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        if (kind == IdentityKind.Human)
        {
            throw MandateException.Invalid("kind", "registration creates agents, service accounts or workloads, not humans");
        }

        if (maxUses is < 1 or > MaxUsesLimit)
        {
            throw MandateException.Invalid("max_uses", $"max_uses must be 1 to {MaxUsesLimit}");
        }

        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            throw MandateException.Invalid("expires_in", $"a registration token lives from 1 second to {MaxLifetime.TotalDays} days");
        }

        var human = await store.Identities.GetAsync(InputRules.RequireId(owner, "owner"), cancellationToken);
        if (human is null || human.Kind != IdentityKind.Human || human.Status == IdentityStatus.Deactivated)
        {
            throw MandateException.Invalid("owner", $"owner `{owner}` must be an existing human identity that is not deactivated");
        }

        var secret = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var hash = HashOf(secret);
        var now = time.GetUtcNow();
        var token = new RegistrationToken
        {
            Id = IdOf(hash),
            Hash = hash,
            Owner = human.Id,
            Kind = kind,
            Description = InputRules.OptionalText(description, "description", InputRules.MaxDescription),
            CreatedBy = audit.ActorId,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            MaxUses = maxUses,
        };
        if (!await store.Settings.TryAddAsync(KeyPrefix + token.Id, JsonSerializer.Serialize(token, Json), cancellationToken))
        {
            throw new MandateException(ErrorCode.Conflict, "a registration token with this id exists; issue again");
        }

        events.Emit(audit.ToEvent(now, EventCategory.AccountChange, "registration_token.issued", EventOutcome.Success, "RegistrationToken", token.Id,
            $"registration token for {maxUses} {IdentityRegistry.KindWord(kind)} registration(s) owned by `{human.Id}`, expires {token.ExpiresAt:O}"));
        return (token, secret);
    }

    /// <summary>Reads a token by id, or refuses with <c>not_found</c>.</summary>
    public async Task<RegistrationToken> GetAsync(string id, CancellationToken cancellationToken = default) =>
        await ReadAsync(id, cancellationToken) ?? throw MandateException.NotFound("registration token", id);

    /// <summary>Revokes a token for good.</summary>
    public async Task<RegistrationToken> RevokeAsync(string id, AuditContext audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await _spend.WaitAsync(cancellationToken);
        try
        {
            var token = await GetAsync(id, cancellationToken);
            if (token.RevokedAt is not null)
            {
                return token;
            }

            var now = time.GetUtcNow();
            var revoked = token with { RevokedAt = now };
            await store.Settings.SetAsync(KeyPrefix + id, JsonSerializer.Serialize(revoked, Json), cancellationToken);
            events.Emit(audit.ToEvent(now, EventCategory.AccountChange, "registration_token.revoked", EventOutcome.Success, "RegistrationToken", id));
            return revoked;
        }
        finally
        {
            _spend.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="register"/> with the token <paramref name="secret"/> names, if it is usable, and counts a
    /// use only when registration succeeds. Null when the token is unknown, revoked, expired or used up.
    /// </summary>
    public async Task<T?> SpendAsync<T>(string secret, Func<RegistrationToken, Task<T>> register, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(register);
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal) || secret.Length > 128)
        {
            return null;
        }

        var hash = HashOf(secret);
        await _spend.WaitAsync(cancellationToken);
        try
        {
            var token = await ReadAsync(IdOf(hash), cancellationToken);
            if (token is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token.Hash), Encoding.ASCII.GetBytes(hash))
                || !token.IsUsable(time.GetUtcNow()))
            {
                return null;
            }

            var result = await register(token);
            await store.Settings.SetAsync(KeyPrefix + token.Id, JsonSerializer.Serialize(token with { Uses = token.Uses + 1 }, Json), CancellationToken.None);
            return result;
        }
        finally
        {
            _spend.Release();
        }
    }

    private async Task<RegistrationToken?> ReadAsync(string id, CancellationToken cancellationToken) =>
        MandateId.IsValid(id) && await store.Settings.GetAsync(KeyPrefix + id, cancellationToken) is { } json
            ? JsonSerializer.Deserialize<RegistrationToken>(json, Json)
            : null;

    private static string HashOf(string secret) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    // The id is a prefix of the hash, so a presented token finds its record without a scan; the prefix alone
    // reveals nothing usable about the token.
    private static string IdOf(string hash) => "rgt_" + hash[..16].Replace('-', 'x').Replace('_', 'y');
}
