using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Mandate.Benchmarks.Decisions;

/// <summary>
/// Samples the runtime's allocation ticks while it is alive: the runtime raises one each time a heap has allocated about
/// another 100 KB, naming the type whose allocation crossed the mark and the bytes since the last tick, so summing the
/// bytes by type estimates what a phase allocated of each type (a type of larger or more frequent objects crosses more
/// marks). Listening costs time, so the rig samples only in a phase of its own.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is not { } payload || e.PayloadNames is not { } names)
        {
            return;
        }

        var type = names.IndexOf("TypeName") is var t and >= 0 ? payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(payload[a], CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, n) => n + amount);
    }

    /// <summary>The <paramref name="top"/> types by estimated bytes, most first: <c>ALLOC bytes type</c>.</summary>
    public IEnumerable<string> Report(int top) =>
        _bytes.ToArray().OrderByDescending(p => p.Value).Take(top)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"ALLOC {p.Value} {p.Key}"));
}
