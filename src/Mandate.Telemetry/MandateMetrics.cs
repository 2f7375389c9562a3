using System.Diagnostics.Metrics;
using Mandate.Core.Memory;

namespace Mandate.Telemetry;

/// <summary>
/// Mandate's instruments on the .NET metrics API (OpenTelemetry-compatible): decisions and their latency,
/// tokens issued and refused, the event pipeline's throughput, backlog, backpressure, ingest and drops, and how much of
/// the process (and of the decision snapshot, where it is collapsed) sits on huge pages.
/// </summary>
public sealed class MandateMetrics : IDisposable
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "Mandate";

    private readonly Meter _meter;
    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _decisionDuration;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _ingested;
    private readonly Counter<long> _ingestRefused;

    /// <summary>
    /// Creates the instruments; <paramref name="events"/> backs the pipeline gauges. The meter carries
    /// <paramref name="scope"/>, so an exporter can take one server's instruments only: meters are matched by name
    /// process-wide, and two servers in one process (tests) must not add up each other's counts. <paramref name="snapshotHugePages"/>,
    /// when the host collapses its decision snapshot into huge pages, gives the last collapse's report.
    /// </summary>
    public MandateMetrics(EventPipeline events, object scope, Func<HugePageReport?>? snapshotHugePages = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(scope);
        _meter = new Meter(new MeterOptions(MeterName) { Scope = scope });
        _decisions = _meter.CreateCounter<long>("mandate.decisions", "{decision}", "Access decisions made");
        _decisionDuration = _meter.CreateHistogram<double>("mandate.decision.duration", "us", "Time to evaluate one decision");
        _tokens = _meter.CreateCounter<long>("mandate.tokens", "{token}", "Token requests by outcome");
        _meter.CreateObservableCounter("mandate.events.written", () => events.Written, "{event}", "Events durably stored");
        _meter.CreateObservableCounter("mandate.events.dropped", () => events.Dropped, "{event}", "Events dropped because the pipeline was full or the store failed");
        _meter.CreateObservableGauge("mandate.events.pending", () => events.Pending, "{event}", "Events waiting to be stored");
        _meter.CreateObservableGauge("mandate.events.capacity", () => events.Capacity, "{event}", "Events the pipeline holds before it drops new ones");
        _meter.CreateObservableGauge("mandate.events.ingest.waiting", () => events.WaitingAppends, "{request}",
            "Ingest and import calls waiting for room in the pipeline or for their events to be durable (backpressure)");
        _ingested = _meter.CreateCounter<long>("mandate.events.ingested", "{event}", "Events accepted from external producers, by route (ingest or import)");
        _ingestRefused = _meter.CreateCounter<long>("mandate.events.ingest.refused", "{request}", "Submissions refused as malformed, by route");
        HugePageInstruments.Add(_meter, snapshotHugePages);
    }

    /// <summary>Counts a decision and records how long it took.</summary>
    public void Decided(bool allowed, TimeSpan elapsed)
    {
        _decisions.Add(1, Outcome(allowed));
        Timed(allowed, elapsed);
    }

    /// <summary>Records how long a decision took; a group of decisions is counted once, with <see cref="Counted"/>.</summary>
    public void Timed(bool allowed, TimeSpan elapsed) => _decisionDuration.Record(elapsed.TotalMicroseconds, Outcome(allowed));

    /// <summary>Counts a group of decisions by outcome.</summary>
    public void Counted(int allowed, int denied)
    {
        if (allowed > 0)
        {
            _decisions.Add(allowed, Outcome(true));
        }

        if (denied > 0)
        {
            _decisions.Add(denied, Outcome(false));
        }
    }

    private static KeyValuePair<string, object?> Outcome(bool allowed) => new("decision", allowed ? "allow" : "deny");

    /// <summary>Counts a token request outcome (<c>issued</c>, or the OAuth error code).</summary>
    public void Token(string outcome) => _tokens.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counts events accepted durably from an external producer through <paramref name="route"/> (<c>ingest</c>, <c>import</c>).</summary>
    public void Ingested(int count, string route) => _ingested.Add(count, new KeyValuePair<string, object?>("route", route));

    /// <summary>Counts a refused submission on <paramref name="route"/>.</summary>
    public void IngestRefused(string route) => _ingestRefused.Add(1, new KeyValuePair<string, object?>("route", route));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
