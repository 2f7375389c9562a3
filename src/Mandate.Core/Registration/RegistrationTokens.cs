using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Administration;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Identities;
using Mandate.Core.Storage;

namespace Mandate.Core.Registration;

/// <summary>
/// Issues, lists, spends and revokes initial access tokens. A token is shown once and kept only as its SHA-256; a
/// registration takes a use atomically in the store before it creates anything (so replicas sharing a store cannot
/// overspend a token) and gives it back if the registration then fails.
/// </summary>
public sealed class RegistrationTokens(IMandateStore store, IEventSink events, TimeProvider time)
{
    /// <summary>The recognisable prefix of initial access tokens.</summary>
    public const string Prefix = "mnd_reg_";

    /// <summary>Most registrations one token may allow.</summary>
    public const int MaxUsesLimit = 10_000;

    /// <summary>Longest validity an admin may give a token.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

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
        await store.RegistrationTokens.AddAsync(token, cancellationToken);
        events.Emit(audit.ToEvent(now, EventCategory.AccountChange, "registration_token.issued", EventOutcome.Success, "RegistrationToken", token.Id,
            $"registration token for {maxUses} {IdentityRegistry.KindWord(kind)} registration(s) owned by `{human.Id}`, expires {token.ExpiresAt:O}"));
        return (token, secret);
    }

    /// <summary>Reads a token by id, or refuses with <c>not_found</c>.</summary>
    public async Task<RegistrationToken> GetAsync(string id, CancellationToken cancellationToken = default) =>
        await store.RegistrationTokens.GetAsync(id, cancellationToken) ?? throw MandateException.NotFound("registration token", id);

    /// <summary>Revokes a token for good.</summary>
    public async Task<RegistrationToken> RevokeAsync(string id, AuditContext audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var now = time.GetUtcNow();
        var revoked = await store.RegistrationTokens.RevokeAsync(id, now, cancellationToken) ?? throw MandateException.NotFound("registration token", id);
        events.Emit(audit.ToEvent(now, EventCategory.AccountChange, "registration_token.revoked", EventOutcome.Success, "RegistrationToken", id));
        return revoked;
    }

    /// <summary>
    /// Runs <paramref name="register"/> with the token <paramref name="secret"/> names, if it is usable, having taken
    /// one of its uses; the use is given back when <paramref name="register"/> throws. Null when the token is unknown,
    /// revoked, expired or used up.
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
        var token = await store.RegistrationTokens.TryUseAsync(IdOf(hash), hash, time.GetUtcNow(), cancellationToken);
        if (token is null)
        {
            return null;
        }

        try
        {
            return await register(token);
        }
        catch
        {
            await store.RegistrationTokens.ReturnUseAsync(token.Id, CancellationToken.None);
            throw;
        }
    }

    private static string HashOf(string secret) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    // The id is a prefix of the hash, so a presented token finds its record without a scan; the prefix alone
    // reveals nothing usable about the token.
    private static string IdOf(string hash) => "rgt_" + hash[..16].Replace('-', 'x').Replace('_', 'y');
}
