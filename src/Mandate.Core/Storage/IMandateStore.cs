namespace Mandate.Core.Storage;

/// <summary>
/// The store of record: identities, credentials, groups, policies, settings and the event stream.
/// Every write is atomic; a refused write leaves nothing behind.
/// </summary>
public interface IMandateStore : IAsyncDisposable
{
    /// <summary>Identities of every kind.</summary>
    IIdentityStore Identities { get; }

    /// <summary>Credentials bound to identities.</summary>
    ICredentialStore Credentials { get; }

    /// <summary>Groups, roles and membership edges.</summary>
    IGroupStore Groups { get; }

    /// <summary>Cedar policy documents.</summary>
    IPolicyStore Policies { get; }

    /// <summary>Control-plane settings and sealed secrets (admin token hashes, signing keys).</summary>
    ISettingStore Settings { get; }

    /// <summary>Unmanaged principals seen in imported telemetry.</summary>
    IDiscoveredIdentityStore Discovered { get; }
    /// <summary>Initial access tokens for dynamic client registration.</summary>
    IRegistrationTokenStore RegistrationTokens { get; }

    /// <summary>The append-only event stream.</summary>
    IEventStore Events { get; }

    /// <summary>The event stream's tamper-evident chain and signed checkpoints.</summary>
    IAuditLog Audit { get; }

    /// <summary>The delegation graph of exchanged tokens and the revoked tokens.</summary>
    IDelegationStore Delegations { get; }

    /// <summary>
    /// Raised after any committed change to identities, credentials, groups, memberships or policies,
    /// so in-memory snapshots can be rebuilt. Never raised for event appends.
    /// </summary>
    event EventHandler? StateChanged;

    /// <summary>Applies pending schema migrations; safe to call on every start.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);
}
