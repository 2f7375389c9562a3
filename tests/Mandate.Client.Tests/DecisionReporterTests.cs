using Mandate.Authorization;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Values;
using Mandate.Client.Decisions;
using Mandate.Core.Events;
using Mandate.Core.Identities;
using Mandate.Telemetry.Ingest;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mandate.Client.Tests;

public sealed class DecisionReporterTests
{
    [Fact]
    public async Task Serialize_WritesWhatTheIngestEndpointAccepts_EvenForOverlongCallerInput()
    {
        var snapshot = new AuthorizationSnapshot(1, PolicySet.Parse("permit (principal, action, resource);"), EntityStore.Empty,
            new Dictionary<string, Identity>());
        var request = new DecisionRequest(EntityUid.Of("Agent", "bot"), EntityUid.Of("Action", "read"), EntityUid.Of("Invoice", new string('x', 5000)), RecordValue.Empty);
        var decision = DecisionEngine.Decide(request, snapshot, DateTimeOffset.UtcNow, out _);
        var origin = new DecisionOrigin("proxy", "jti-1", "127.0.0.1", new string('u', 9000), "req-1");
        using var http = new HttpClient();
        await using var reporter = new DecisionReporter(http, new Uri("http://127.0.0.1:9"), _ => ValueTask.FromResult("t"), "test-pep",
            NullLogger<DecisionReporter>.Instance);

        var body = reporter.Serialize([DecisionEvents.Create(request, origin, decision, snapshot, DateTimeOffset.UtcNow)]);
        var batch = EventIngestReader.Read(body.Span, ndjson: false, DateTimeOffset.UtcNow, "ingest");

        Assert.Empty(batch.Errors);
        var stored = Assert.Single(batch.Events);
        Assert.Equal(DecisionEvents.Type, stored.Type);
        Assert.Equal(EventCategory.Authorization, stored.Category);
        Assert.Equal(EventOutcome.Success, stored.Outcome);
        Assert.Equal("test-pep", stored.Source);
        Assert.Equal(["policy0"], stored.Policies);
        Assert.Equal(4096, stored.ResourceId!.Length);
    }

    [Fact]
    public async Task Serialize_ReusesItsBuffer_WithoutLeavingAnEarlierLargerBatchBehind()
    {
        var snapshot = new AuthorizationSnapshot(1, PolicySet.Parse("permit (principal, action, resource);"), EntityStore.Empty,
            new Dictionary<string, Identity>());
        MandateEvent Decision(string resource)
        {
            var request = new DecisionRequest(EntityUid.Of("Agent", "bot"), EntityUid.Of("Action", "read"), EntityUid.Of("Invoice", resource), RecordValue.Empty);
            var decision = DecisionEngine.Decide(request, snapshot, DateTimeOffset.UtcNow, out _);
            return DecisionEvents.Create(request, new DecisionOrigin("proxy", "jti-1", "127.0.0.1", null, "req-1"), decision, snapshot, DateTimeOffset.UtcNow);
        }

        using var http = new HttpClient();
        await using var reporter = new DecisionReporter(http, new Uri("http://127.0.0.1:9"), _ => ValueTask.FromResult("t"), "test-pep",
            NullLogger<DecisionReporter>.Instance);

        var first = EventIngestReader.Read(reporter.Serialize([.. Enumerable.Range(0, 50).Select(i => Decision($"inv-{i}"))]).Span, ndjson: false, DateTimeOffset.UtcNow, "ingest");
        var second = EventIngestReader.Read(reporter.Serialize([Decision("only")]).Span, ndjson: false, DateTimeOffset.UtcNow, "ingest");

        Assert.Empty(first.Errors);
        Assert.Equal(50, first.Events.Count);
        Assert.Empty(second.Errors);
        Assert.Equal("only", Assert.Single(second.Events).ResourceId);
    }
}
