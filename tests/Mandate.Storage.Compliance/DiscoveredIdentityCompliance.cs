using Mandate.Core.Identities;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="IDiscoveredIdentityStore"/> must show.</summary>
public abstract class DiscoveredIdentityCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    private static DiscoveredIdentity Sighting(string source, string id, DateTimeOffset first, DateTimeOffset last, long events, string action) => new()
    {
        Source = source, ExternalId = id, Kind = "service_account", DisplayName = id, ClaimLabel = "aws.arn",
        FirstSeen = first, LastSeen = last, Events = events, LastAction = action,
    };

    [Fact]
    public async Task Record_AddsThenMerges_CountingEventsAndWideningTheSeenRange()
    {
        var t = Samples.Time;
        await Store.Discovered.RecordAsync([Sighting("aws.cloudtrail", "arn:role/a", t, t.AddMinutes(5), 3, "s3:GetObject")]);
        await Store.Discovered.RecordAsync([Sighting("aws.cloudtrail", "arn:role/a", t.AddMinutes(-1), t.AddMinutes(2), 2, "s3:ListBucket")]);
        await Store.Discovered.RecordAsync([Sighting("aws.cloudtrail", "arn:role/a", t, t.AddMinutes(9), 1, "s3:PutObject")]);
        await ReopenAsync();

        var found = Assert.Single((await Store.Discovered.ListAsync(null, new PageRequest(10))).Items);
        Assert.Equal((t.AddMinutes(-1), t.AddMinutes(9), 6L, "s3:PutObject"), (found.FirstSeen, found.LastSeen, found.Events, found.LastAction));
        Assert.Equal(0, StateChanges);
    }

    [Fact]
    public async Task List_FiltersBySource_AndPagesInSourceAndIdOrder()
    {
        var t = Samples.Time;
        await Store.Discovered.RecordAsync(
        [
            Sighting("kubernetes.audit", "system:serviceaccount:ci:runner", t, t, 1, "delete"),
            Sighting("aws.cloudtrail", "arn:user/b", t, t, 1, "iam:CreateAccessKey"),
            Sighting("aws.cloudtrail", "arn:user/a", t, t, 1, "iam:CreateAccessKey"),
        ]);

        var all = await ReadAllPagesAsync<DiscoveredIdentity>(1, page => Store.Discovered.ListAsync(null, page));
        var aws = await Store.Discovered.ListAsync("aws.cloudtrail", new PageRequest(10));

        Assert.Equal(["arn:user/a", "arn:user/b", "system:serviceaccount:ci:runner"], all.Select(d => d.ExternalId));
        Assert.Equal(["arn:user/a", "arn:user/b"], aws.Items.Select(d => d.ExternalId));
    }
}
