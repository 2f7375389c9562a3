using Mandate.Cedar.Ast;
using Mandate.Core.Groups;
using Mandate.Core.Identities;
using Mandate.Core.Policies;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Mandate.Authorization;

/// <summary>
/// Keeps the current <see cref="AuthorizationSnapshot"/>: rebuilds it from the store after every state
/// change (coalescing bursts into one rebuild) and swaps it atomically, so a decision always reads one
/// consistent state and never waits on the database.
/// </summary>
public sealed partial class SnapshotSource : IAsyncDisposable
{
    private readonly IMandateStore _store;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private AuthorizationSnapshot _current = AuthorizationSnapshot.Empty;
    private PolicyBundle? _bundle;
    private long _started = 1;
    private long _requested;
    private int _disposed;
    private TaskCompletionSource _rebuilt = NewSignal();

    private SnapshotSource(IMandateStore store, ILogger<SnapshotSource> logger)
    {
        _store = store;
        _logger = logger;
        _store.StateChanged += OnStateChanged;
        _loop = Task.Run(RebuildLoopAsync);
    }

    // Generations restart at 1 with every process: versions carry this start's random id so they never repeat.
    private readonly string _boot = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

    /// <summary>The snapshot decisions use now.</summary>
    public AuthorizationSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Builds the first snapshot, then follows the store.</summary>
    public static async Task<SnapshotSource> StartAsync(IMandateStore store, PolicyBundle? bundle, ILogger<SnapshotSource> logger, CancellationToken cancellationToken)
    {
        var source = new SnapshotSource(store, logger) { _bundle = bundle };
        source._current = await BuildAsync(store, bundle, 1, cancellationToken);
        return source;
    }

    /// <summary>Raised after a rebuilt snapshot is in use (not for the first one, which <see cref="StartAsync"/> returns with).</summary>
    public event EventHandler? Updated;

    /// <summary>The bundle served beside the store's contents, if any.</summary>
    public PolicyBundle? Bundle => Volatile.Read(ref _bundle);

    /// <summary>Serves <paramref name="bundle"/> instead of the current one; completes when decisions use it.</summary>
    public Task ReplaceBundleAsync(PolicyBundle bundle, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _bundle, bundle);
        OnStateChanged(this, EventArgs.Empty);
        return WhenCurrentAsync(cancellationToken);
    }

    /// <summary>A version string for <paramref name="snapshot"/>, unique across restarts (an ETag for synchronization).</summary>
    public string VersionOf(AuthorizationSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_boot}-{snapshot.Generation}");
    }

    /// <summary>Completes with the first snapshot whose generation is not <paramref name="generation"/> (the current one if it already differs).</summary>
    public async Task<AuthorizationSnapshot> WaitForChangeAsync(long generation, CancellationToken cancellationToken)
    {
        while (true)
        {
            var rebuilt = Volatile.Read(ref _rebuilt).Task;
            var current = Current;
            if (current.Generation != generation)
            {
                return current;
            }

            await rebuilt.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Completes once every change committed before this call is visible in <see cref="Current"/>.</summary>
    public async Task WhenCurrentAsync(CancellationToken cancellationToken)
    {
        var wanted = Interlocked.Read(ref _requested);
        while (Current.Generation <= wanted)
        {
            var rebuilt = Volatile.Read(ref _rebuilt).Task;
            if (Current.Generation > wanted)
            {
                break;
            }

            await rebuilt.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _store.StateChanged -= OnStateChanged;
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
        _signal.Dispose();
    }

    private void OnStateChanged(object? sender, EventArgs e)
    {
        // A build already running may have read the store before this commit: only a build that starts
        // later (a generation above the latest started one) is guaranteed to include the change.
        var started = Interlocked.Read(ref _started);
        long seen;
        do
        {
            seen = Interlocked.Read(ref _requested);
        }
        while (seen < started && Interlocked.CompareExchange(ref _requested, started, seen) != seen);

        _signal.Release();
    }

    private async Task RebuildLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            await _signal.WaitAsync(token);
            while (_signal.CurrentCount > 0)
            {
                await _signal.WaitAsync(token);
            }

            try
            {
                var generation = Interlocked.Increment(ref _started);
                var next = await BuildAsync(_store, Bundle, generation, token);
                Volatile.Write(ref _current, next);
                Interlocked.Exchange(ref _rebuilt, NewSignal()).TrySetResult();
                Updated?.Invoke(this, EventArgs.Empty);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep serving the last good snapshot; the next change retries.
                LogRebuildFailed(ex);
                await Task.Delay(TimeSpan.FromMilliseconds(200), token);
                _signal.Release();
            }
        }
    }

    private static async Task<AuthorizationSnapshot> BuildAsync(IMandateStore store, PolicyBundle? bundle, long generation, CancellationToken cancellationToken)
    {
        var identities = new List<Identity>();
        await foreach (var identity in store.Identities.ScanAsync(cancellationToken))
        {
            identities.Add(identity);
        }

        var groups = new List<Group>();
        await foreach (var group in store.Groups.ScanAsync(cancellationToken))
        {
            groups.Add(group);
        }

        var memberships = new List<Membership>();
        await foreach (var membership in store.Groups.ScanMembershipsAsync(cancellationToken))
        {
            memberships.Add(membership);
        }

        var policies = new List<Policy>();
        await foreach (var document in store.Policies.ScanAsync(cancellationToken))
        {
            if (document.Enabled)
            {
                policies.AddRange(StoredPolicies.Parse(document.Id, document.Text));
            }
        }

        if (bundle is not null)
        {
            // A stored policy shadows a bundle policy of the same id, as inventory entities shadow bundle entities.
            var stored = policies.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            policies.AddRange(bundle.Policies.Where(p => !stored.Contains(p.Id)));
        }

        return new AuthorizationSnapshot(
            generation,
            new PolicySet(policies),
            EntityGraph.Build(identities, groups, memberships, bundle?.Entities ?? []),
            identities.ToDictionary(i => i.Id, StringComparer.Ordinal))
        {
            RevokedCredentials = await RevokedCredentialsAsync(store, cancellationToken),
        };
    }

    private static async Task<IReadOnlySet<string>> RevokedCredentialsAsync(IMandateStore store, CancellationToken cancellationToken)
    {
        var revoked = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var page = await store.Credentials.ListAsync(null, null, new PageRequest(PageRequest.MaxLimit, cursor), cancellationToken);
            foreach (var credential in page.Items)
            {
                if (credential.Status == Core.Credentials.CredentialStatus.Revoked)
                {
                    revoked.Add(credential.Id);
                }
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return revoked;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "rebuilding the authorization snapshot failed; the previous snapshot stays in use")]
    private partial void LogRebuildFailed(Exception exception);
}
