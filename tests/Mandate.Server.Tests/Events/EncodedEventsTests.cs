using Mandate.Authorization;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;
using Mandate.Core;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Identities;

namespace Mandate.Server.Tests.Events;

/// <summary>
/// Events encoded when they happen must become exactly the canonical lines <see cref="EventCodec"/> writes, since the
/// audit chain hashes those bytes; and what a store indexes beside them must be what it would take from the event.
/// </summary>
public sealed class EncodedEventsTests
{
    private static readonly MandateEvent Full = new()
    {
        Id = "evt_01jd \"quoted\" <tag> é",
        Time = new DateTimeOffset(2026, 12, 2, 1, 2, 3, TimeSpan.FromHours(2)).AddTicks(4567),
        Category = EventCategory.Authorization,
        Type = "decision.evaluated",
        Outcome = EventOutcome.Failure,
        ActorId = "agent-7",
        ActorKind = "Agent",
        Chain = ["alice", "planner\n"],
        Action = "read",
        ResourceType = "Document",
        ResourceId = "doc/1",
        Policies = ["policy0", "policy 1"],
        TokenId = "tok_1",
        SourceIp = "10.0.0.7",
        UserAgent = "curl/8 \u2028",
        RequestId = "req-1",
        Message = "deny; refused at alice",
        Source = "aws.cloudtrail",
    };

    private static readonly MandateEvent Bare = new()
    {
        Id = "evt_bare",
        Time = DateTimeOffset.UnixEpoch,
        Category = EventCategory.ApiActivity,
        Type = "x",
        Outcome = EventOutcome.Success,
    };

    [Fact]
    public void EachLine_IsTheCanonicalLine_WithTheSequenceItIsGiven()
    {
        using var events = new EncodedEvents(1);
        events.Add(Full);
        events.Add(Bare);
        events.Add(Full with { Id = "evt_" + new string('x', 5000) });

        Assert.Equal(3, events.Count);
        AssertLine(Full, events, 0, 1);
        AssertLine(Bare, events, 1, long.MaxValue);
        AssertLine(Full with { Id = "evt_" + new string('x', 5000) }, events, 2, 42);
    }

    [Fact]
    public void TheIndexedFacts_AreTheEventsOwn()
    {
        using var events = new EncodedEvents();
        events.Add(Full);
        events.Add(Bare);

        Assert.Equal(Full.Time.UtcTicks, events.Time(0));
        Assert.Equal(EncodedEvents.Hash(Full.Id), events.IdHash(0));
        Assert.Equal(Full.Id, System.Text.Json.JsonSerializer.Deserialize<string>("\"" + events.IdText(0) + "\""));
        Assert.Equal([EncodedEvents.Hash("agent-7"), EncodedEvents.Hash("alice"), EncodedEvents.Hash("planner\n")], events.Participants(0).ToArray());
        Assert.Equal("evt_bare", events.IdText(1));
        Assert.True(events.Participants(1).IsEmpty);
    }

    [Fact]
    public void CopiedEvents_KeepTheirLinesAndFacts()
    {
        using var source = new EncodedEvents();
        source.Add(Bare);
        source.Add(Full);
        source.Add(Bare with { Id = "evt_third", ActorId = "bob" });
        using var copy = new EncodedEvents(1);
        copy.Add(Full);

        copy.AddRange(source, 1, 2);
        copy.AddRange(source, 0, 1);

        Assert.Equal(4, copy.Count);
        AssertLine(Full, copy, 0, 1);
        AssertLine(Full, copy, 1, 2);
        AssertLine(Bare with { Id = "evt_third", ActorId = "bob" }, copy, 2, 3);
        AssertLine(Bare, copy, 3, 4);
        Assert.Equal([EncodedEvents.Hash("bob")], copy.Participants(2).ToArray());
        Assert.Equal(source.BodyLength(1, 2), copy.BodyLength(1, 2));
    }

    [Fact]
    public void AnEventWithoutAnId_IsRefused()
    {
        using var events = new EncodedEvents();

        var refused = Assert.Throws<MandateException>(() => events.Add(Bare with { Id = "" }));

        Assert.Equal(ErrorCode.InvalidArgument, refused.Code);
        Assert.Equal(0, events.Count);
    }

    [Fact]
    public void FieldsWithoutAnId_GetANewOne_InTheLine_AndAreTheLineOfTheirEvent()
    {
        var fields = EventFields.Of(Full) with { Id = null, IdPrefix = "evt" };
        using var events = new EncodedEvents(1);
        events.Add(fields);
        events.Add(fields);

        // Each has a new id of the usual shape, different from the other's, whose time part is the event's time.
        var first = events.IdText(0);
        var second = events.IdText(1);
        Assert.Matches("^evt_[0-9a-hjkmnp-tv-z]{26}$", first);
        Assert.NotEqual(first, second);
        Assert.Equal(MandateId.New("evt", Full.Time)[..14], first[..14]);
        Assert.Equal(EncodedEvents.Hash(first), events.IdHash(0));

        // With that id, the line is the canonical line of the same fields as an event.
        AssertLine(Full with { Id = first }, events, 0, 7);
        AssertLine(Full with { Id = second }, events, 1, 8);
        Assert.Equal(Full with { Id = first }, (fields with { Id = first }).ToEvent());
    }

    [Fact]
    public void ADecisionsRecordedLine_IsTheLineOfItsEvent()
    {
        var identity = new Identity { Id = "bot", Kind = IdentityKind.Agent, DisplayName = "Bot" };
        var snapshot = new AuthorizationSnapshot(1, PolicySet.Parse("permit (principal, action, resource);"),
            EntityGraph.Build([identity], [], [], []), new Dictionary<string, Identity> { ["bot"] = identity });
        var request = new DecisionRequest(EntityUid.Of("Agent", "bot"), EntityUid.Of("Action", "read"), EntityUid.Of("Doc", "d \"1\""), RecordValue.Empty);
        var result = new DecisionResult(false, ["policy0"], [new DecisionError("policy1", "boom")]) { FailedHop = "Human::\"alice\"" };
        var origin = new DecisionOrigin("admin", "jti-1", "10.0.0.1", "curl/8", "req-1");
        using var events = new EncodedEvents();

        events.Add(DecisionEvents.Fields(request, origin, result, snapshot, Full.Time));

        var expected = DecisionEvents.Create(request, origin, result, snapshot, Full.Time) with { Id = events.IdText(0) };
        Assert.Contains("refused at", expected.Message, StringComparison.Ordinal);
        AssertLine(expected, events, 0, 1);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(null, "")]
    [InlineData(null, "a-prefix-of-seventeen")]
    [InlineData("", "evt")]
    public void FieldsWithoutAnUsableId_AreRefused(string? id, string? prefix)
    {
        using var events = new EncodedEvents();

        var refused = Assert.Throws<MandateException>(() => events.Add(EventFields.Of(Bare) with { Id = id, IdPrefix = prefix! }));

        Assert.Equal(ErrorCode.InvalidArgument, refused.Code);
        Assert.Equal(0, events.Count);
    }

    [Fact]
    public void ARepeatedId_IsFound_AndOnlyThen()
    {
        using var events = new EncodedEvents();
        for (var i = 0; i < 1000; i++)
        {
            events.Add(Bare with { Id = $"evt_{i}" });
        }

        events.RefuseRepeatedIds();
        events.Add(Bare with { Id = "evt_500" });

        var refused = Assert.Throws<MandateException>(events.RefuseRepeatedIds);
        Assert.Equal(ErrorCode.Conflict, refused.Code);
        Assert.Contains("`evt_500`", refused.Message, StringComparison.Ordinal);
    }

    private static void AssertLine(MandateEvent expected, EncodedEvents events, int index, long sequence)
    {
        var line = new byte[events.Body(index).Length + EncodedEvents.MaxNumberLength];
        var length = events.WriteLine(index, sequence, line);

        Assert.Equal(EventCodec.Encode(expected with { Sequence = sequence }), line[..length]);
    }
}
