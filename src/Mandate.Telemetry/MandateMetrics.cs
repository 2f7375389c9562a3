using System.Diagnostics.Metrics;

namespace Mandate.Telemetry;

/// <summary>
/// Mandate's instruments on the .NET metrics API (OpenTelemetry-compatible): decisions and their latency,
/// tokens issued and refused, and the event pipeline's throughput, backlog and drops.
/// </summary>
public sealed class MandateMetrics : IDisposable
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "Mandate";

    private readonly Meter _meter;
    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _decisionDuration;
    private readonly Counter<long> _tokens;

    /// <summary>Creates the instruments; <paramref name="events"/> backs the pipeline gauges.</summary>
    public MandateMetrics(IMeterFactory meters, EventPipeline events)
    {
        _meter = meters.Create(MeterName);
        _decisions = _meter.CreateCounter<long>("mandate.decisions", "{decision}", "Access decisions made");
        _decisionDuration = _meter.CreateHistogram<double>("mandate.decision.duration", "us", "Time to evaluate one decision");
        _tokens = _meter.CreateCounter<long>("mandate.tokens", "{token}", "Token requests by outcome");
        _meter.CreateObservableCounter("mandate.events.written", () => events.Written, "{event}", "Events durably stored");
        _meter.CreateObservableCounter("mandate.events.dropped", () => events.Dropped, "{event}", "Events dropped because the pipeline was full or the store failed");
        _meter.CreateObservableGauge("mandate.events.pending", () => events.Pending, "{event}", "Events waiting to be stored");
    }

    /// <summary>Counts a decision and records how long it took.</summary>
    public void Decided(bool allowed, TimeSpan elapsed)
    {
        var outcome = new KeyValuePair<string, object?>("decision", allowed ? "allow" : "deny");
        _decisions.Add(1, outcome);
        _decisionDuration.Record(elapsed.TotalMicroseconds, outcome);
    }

    /// <summary>Counts a token request outcome (<c>issued</c>, or the OAuth error code).</summary>
    public void Token(string outcome) => _tokens.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
