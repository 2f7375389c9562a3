using Mandate.Core.Events;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="IEventStore"/> must have.</summary>
public abstract class EventStoreCompliance(IStoreFactory factory) : StoreCompliance(factory)
{
    private static MandateEvent Event(string type, string? actor, DateTimeOffset time, EventOutcome outcome = EventOutcome.Success, params string[] chain) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Time = time,
        Category = EventCategory.Authorization,
        Type = type,
        Outcome = outcome,
        ActorId = actor,
        ActorKind = "Agent",
        Chain = chain,
        Action = "read",
        ResourceType = "Table",
        ResourceId = "invoices",
        Policies = ["p1", "p2"],
        TokenId = "jti",
        SourceIp = "127.0.0.1",
        UserAgent = "ua",
        RequestId = "req",
        Message = "m",
    };

    [Fact]
    public async Task Append_AssignsConsecutiveSequences_AndRoundTripsEveryField()
    {
        var first = await Store.Events.AppendAsync([Event("a.x", "bot", T0), Event("a.y", "bot", T0, EventOutcome.Failure, "alice")]);
        var second = await Store.Events.AppendAsync([Event("a.z", "bot", T0)]);

        Assert.Equal([1L, 2L], first.Select(e => e.Sequence));
        Assert.Equal(3L, second[0].Sequence);
        var read = (await Store.Events.QueryAsync(new EventQuery(), 10)).Items;
        Assert.Equal(3, read.Count);
        var e = read[1];
        Assert.Equal(first[1].Id, e.Id);
        Assert.Equal(T0, e.Time);
        Assert.Equal(EventCategory.Authorization, e.Category);
        Assert.Equal(EventOutcome.Failure, e.Outcome);
        Assert.Equal(["alice"], e.Chain);
        Assert.Equal(["p1", "p2"], e.Policies);
        Assert.Equal("invoices", e.ResourceId);
        Assert.Equal("req", e.RequestId);
        Assert.Empty(await Store.Events.AppendAsync([]));
    }

    [Fact]
    public async Task Query_FiltersByIdentityTypeOutcomeAndTime_AndPagesByCursor()
    {
        await Store.Events.AppendAsync(
        [
            Event("token.issued", "bot", T0),
            Event("tokens.other", "bot", T0.AddMinutes(1)),
            Event("decision.evaluated", "helper", T0.AddMinutes(2), EventOutcome.Failure, "bot"),
            Event("decision.evaluated", "other", T0.AddMinutes(3)),
            Event("token", "other", T0.AddMinutes(4)),
        ]);

        async Task<long[]> Seq(EventQuery query) => [.. (await Store.Events.QueryAsync(query, 100)).Items.Select(e => e.Sequence)];

        Assert.Equal(new long[] { 1, 2, 3 }, await Seq(new EventQuery { IdentityId = "bot" }));
        Assert.Equal(new long[] { 1, 5 }, await Seq(new EventQuery { Type = "token" }));
        Assert.Equal(new long[] { 3 }, await Seq(new EventQuery { Outcome = EventOutcome.Failure }));
        Assert.Equal(new long[] { 2, 3 }, await Seq(new EventQuery { From = T0.AddMinutes(1), To = T0.AddMinutes(3) }));
        Assert.Equal(new long[] { 2, 3 }, await Seq(new EventQuery { IdentityId = "bot", From = T0.AddMinutes(1) }));
        Assert.Equal(new long[] { 4, 5 }, await Seq(new EventQuery { AfterSequence = 3 }));

        var page = await Store.Events.QueryAsync(new EventQuery(), 2);
        Assert.Equal("2", page.NextCursor);
        var last = await Store.Events.QueryAsync(new EventQuery { AfterSequence = 4 }, 2);
        Assert.Null(last.NextCursor);
    }

    [Fact]
    public async Task Appends_DoNotRaiseStateChanged_AndSurviveReopen()
    {
        var changes = 0;
        Store.StateChanged += (_, _) => changes++;

        await Store.Events.AppendAsync([Event("a", "bot", T0)]);
        Assert.Equal(0, changes);

        await ReopenAsync();
        Assert.Single((await Store.Events.QueryAsync(new EventQuery { IdentityId = "bot" }, 10)).Items);
    }
}
