using System.Security.Cryptography;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Telemetry.Audit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>
/// Blocks are linked by the digest of their lines (version 3). Blocks linked over their whole lines (version 2) keep
/// verifying, the chain runs on from them, and a block that claims the other rule, or a rule no version wrote, fails.
/// </summary>
public sealed class AuditLinkSchemeTests : IDisposable
{
    private readonly TempDataDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Version2Blocks_StillVerify_AndNewBlocksChainOnFromThem()
    {
        await using (var store = await SqliteMandateStore.OpenAsync(_directory.Path))
        {
            await store.Events.AppendAsync([Compliance.Samples.Event("token.issued", Compliance.Samples.Time, "agent-a")]);
            await store.Events.AppendAsync([Compliance.Samples.Event("decision.evaluated", Compliance.Samples.Time.AddSeconds(1), "agent-a")]);
        }

        // What version 2 wrote for the same lines: each link over the previous link and the block's lines themselves.
        var head = await RelinkAsVersion2Async();

        await using var reopened = await SqliteMandateStore.OpenAsync(_directory.Path);
        await reopened.Audit.AddCheckpointAsync(new AuditCheckpoint(2, head, Compliance.Samples.Time, "signed"));
        var before = await AuditVerifier.VerifyAsync(reopened.Audit, _ => null);
        await reopened.Events.AppendAsync([Compliance.Samples.Event("token.issued", Compliance.Samples.Time.AddSeconds(2), "agent-b")]);
        var after = await AuditVerifier.VerifyAsync(reopened.Audit, _ => null);
        var blocks = await BlocksAsync(reopened.Audit);

        Assert.True(before.Verified, before.Problem?.Message);
        Assert.True(after.Verified, after.Problem?.Message);
        Assert.Equal(3, after.Events);
        Assert.Equal([AuditLinkScheme.BlockLink, AuditLinkScheme.BlockLink, AuditLinkScheme.BlockDigest], blocks.Select(b => b.Scheme));
        Assert.Equal(SHA256.HashData([.. head, .. SHA256.HashData(blocks[2].Lines.Span)]), blocks[2].LastLink.ToArray());
    }

    [Theory]
    [InlineData(2, "no longer matches its chain link")] // the rule of version 2, which this block was not linked by
    [InlineData(7, "names chain scheme 7, which no version wrote")]
    public async Task ABlockNamingAnotherScheme_FailsVerificationAtIt(int scheme, string message)
    {
        await AppendTwoBlocksAsync();
        await ExecuteAsync("UPDATE event_blocks SET chain = $scheme WHERE first_sequence = 2", ("$scheme", scheme));

        var result = await VerifyAsync();

        Assert.False(result.Verified);
        Assert.Equal(2, result.Problem!.Sequence);
        Assert.Contains(message, result.Problem.Message, StringComparison.Ordinal);
    }

    private async Task AppendTwoBlocksAsync()
    {
        await using var store = await SqliteMandateStore.OpenAsync(_directory.Path);
        await store.Events.AppendAsync([Compliance.Samples.Event("token.issued", Compliance.Samples.Time, "agent-a")]);
        await store.Events.AppendAsync([Compliance.Samples.Event("decision.evaluated", Compliance.Samples.Time.AddSeconds(1), "agent-a")]);
    }

    private async Task<AuditReport> VerifyAsync()
    {
        await using var store = await SqliteMandateStore.OpenAsync(_directory.Path);
        return await AuditVerifier.VerifyAsync(store.Audit, _ => null);
    }

    private static async Task<List<AuditBlock>> BlocksAsync(IAuditLog audit)
    {
        var blocks = new List<AuditBlock>();
        await using var snapshot = await audit.ReadSnapshotAsync();
        await foreach (var block in snapshot.ReadBlocksAsync())
        {
            blocks.Add(block);
        }

        return blocks;
    }

    /// <summary>Rewrites every stored block as version 2 linked it, in order from the genesis; returns the last link.</summary>
    private async Task<byte[]> RelinkAsVersion2Async()
    {
        List<AuditBlock> blocks;
        await using (var store = await SqliteMandateStore.OpenAsync(_directory.Path))
        {
            blocks = await BlocksAsync(store.Audit);
        }

        var link = AuditChain.Genesis.ToArray();
        foreach (var block in blocks)
        {
            link = SHA256.HashData([.. link, .. block.Lines.Span]);
            await ExecuteAsync("UPDATE event_blocks SET chain = 2, last_link = $link WHERE first_sequence = $key", ("$link", link), ("$key", block.Key));
        }

        return link;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = _directory.Connect("events.db");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
