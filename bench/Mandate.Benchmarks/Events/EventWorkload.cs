using Mandate.Core.Events;

namespace Mandate.Benchmarks.Events;

/// <summary>
/// A machine-scale event stream: decisions, tokens and admin changes by a fleet of agents, a third of them
/// acting for a human, with realistic ids, addresses and policy names. Deterministic for a given seed.
/// </summary>
internal sealed class EventWorkload(int identities, DateTimeOffset start, TimeSpan step, int seed = 7)
{
    private static readonly string[] Types = ["decision.evaluated", "decision.evaluated", "decision.evaluated", "token.issued", "identity.updated"];
    private static readonly string[] Actions = ["read", "write", "list", "invoke"];
    private readonly Random _random = new(seed);
    private long _count;

    public int Identities => identities;

    public static string Agent(int i) => $"agent-{i:D6}";

    public MandateEvent Next()
    {
        var n = _count++;
        var actor = _random.Next(identities);
        var type = Types[_random.Next(Types.Length)];
        return new MandateEvent
        {
            Id = "evt_" + Guid.NewGuid().ToString("N"),
            Time = start + (step * n),
            Category = type.StartsWith("decision", StringComparison.Ordinal) ? EventCategory.Authorization : type.StartsWith("token", StringComparison.Ordinal) ? EventCategory.Authentication : EventCategory.AccountChange,
            Type = type,
            Outcome = _random.Next(10) == 0 ? EventOutcome.Failure : EventOutcome.Success,
            ActorId = Agent(actor),
            ActorKind = "agent",
            Chain = actor % 3 == 0 ? [$"human-{actor % 97:D3}"] : [],
            Action = Actions[_random.Next(Actions.Length)],
            ResourceType = "Document",
            ResourceId = $"doc-{_random.Next(1_000_000)}",
            Policies = [$"policy-{_random.Next(200)}"],
            SourceIp = $"10.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(256)}",
            UserAgent = "mandate-client/1.0",
            RequestId = Guid.NewGuid().ToString("N"),
        };
    }

    public MandateEvent[] Take(int count)
    {
        var events = new MandateEvent[count];
        for (var i = 0; i < count; i++)
        {
            events[i] = Next();
        }

        return events;
    }
}
