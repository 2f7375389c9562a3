using Mandate.Core.Registration;

namespace Mandate.Core.Storage;

/// <summary>Stored initial access tokens for dynamic client registration (hashes only).</summary>
public interface IRegistrationTokenStore
{
    /// <summary>Stores a new token.</summary>
    /// <exception cref="Errors.MandateException"><c>conflict</c> when the id exists.</exception>
    Task AddAsync(RegistrationToken token, CancellationToken cancellationToken = default);

    /// <summary>Reads one token, or null.</summary>
    Task<RegistrationToken?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists tokens in id order.</summary>
    Task<Page<RegistrationToken>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically counts one use of the token with this id and hash if it is usable at <paramref name="now"/> (not
    /// revoked, not expired, uses left); returns it with the use counted, or null. Safe across replicas.
    /// </summary>
    Task<RegistrationToken?> TryUseAsync(string id, string hash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Gives back a use counted by <see cref="TryUseAsync"/> whose registration then failed.</summary>
    Task ReturnUseAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Marks a token revoked at <paramref name="at"/> (the first revocation time stays); returns it, or null when unknown.</summary>
    Task<RegistrationToken?> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);
}
