using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mandate.Authorization;
using Mandate.Client.Decisions;
using Mandate.Core.Memory;

namespace Mandate.Client.Enforcement;

/// <summary>
/// An enforcement point's instruments on the .NET metrics API (meter <see cref="MeterName"/>, OpenTelemetry-compatible):
/// requests by outcome, how long decisions took, and in in-process mode the snapshot copy's freshness, the decision
/// events waiting to be reported and dropped, and huge pages. A service using the middleware exports them with its own
/// metrics pipeline (subscribe to the meter name); <c>mandate proxy</c> serves them on its admin listener.
/// </summary>
public sealed class EnforcementMetrics : IDisposable
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "Mandate.Enforcement";

    private static readonly KeyValuePair<string, object?>[] Outcomes =
    [
        new("outcome", "allow"), new("outcome", "deny"), new("outcome", "unauthenticated"), new("outcome", "unavailable"), new("outcome", "anonymous"),
    ];

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _decisionDuration;

    /// <summary>
    /// Creates the instruments. The meter carries <paramref name="scope"/>, so an exporter can take one enforcement point's
    /// instruments only (meters are matched by name process-wide). <paramref name="snapshots"/> and
    /// <paramref name="reporter"/> exist in in-process mode; <paramref name="hugePages"/> when it collapses its snapshot.
    /// </summary>
    public EnforcementMetrics(object scope, SnapshotFollower? snapshots = null, DecisionReporter? reporter = null, SnapshotHugePages? hugePages = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        _meter = new Meter(new MeterOptions(MeterName) { Scope = scope });
        _requests = _meter.CreateCounter<long>("mandate.enforcement.requests", "{request}",
            "Requests by outcome: allow (passed on), deny (403), unauthenticated (401), unavailable (503, no decision), anonymous (an anonymous path)");
        _decisionDuration = _meter.CreateHistogram<double>("mandate.enforcement.decision.duration", "us",
            "Time to get one decision, in process or from the server, by outcome (allow, deny, unavailable)");
        if (snapshots is not null)
        {
            _meter.CreateObservableCounter("mandate.enforcement.snapshot.updates", () => snapshots.Updates, "{snapshot}",
                "Snapshot copies taken into use");
            _meter.CreateObservableCounter("mandate.enforcement.snapshot.failures", () => snapshots.Failures, "{request}",
                "Failed exchanges with the server while following the snapshot (the last copy stays in use)");
            _meter.CreateObservableGauge("mandate.enforcement.snapshot.since_confirmed",
                () => snapshots.SinceConfirmed is { } since ? [new Measurement<double>(since.TotalSeconds)] : Array.Empty<Measurement<double>>(), "s",
                "Seconds since the server last confirmed the snapshot copy current (a long poll waits up to 30 s for a change)");
            HugePageInstruments.Add(_meter, hugePages is null ? null : () => hugePages.LastReport);
        }

        if (reporter is not null)
        {
            _meter.CreateObservableCounter("mandate.enforcement.events.sent", () => reporter.Sent, "{event}", "Decision events the server acknowledged");
            _meter.CreateObservableCounter("mandate.enforcement.events.dropped", () => reporter.Dropped, "{event}",
                "Decision events dropped because the queue was full or the server kept refusing them");
            _meter.CreateObservableGauge("mandate.enforcement.events.pending", () => reporter.Pending, "{event}", "Decision events waiting to be sent");
        }
    }

    /// <summary>Whether anything listens to the decision durations (so a caller times decisions only then).</summary>
    public bool TimesDecisions => _decisionDuration.Enabled;

    /// <summary>Counts a request by its outcome.</summary>
    public void Request(EnforcementOutcome outcome) => _requests.Add(1, Outcomes[(int)outcome]);

    /// <summary>Records how long a decision took since <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Decided(EnforcementOutcome outcome, long started) =>
        _decisionDuration.Record(Stopwatch.GetElapsedTime(started).TotalMicroseconds, Outcomes[(int)outcome]);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}

/// <summary>What an enforcement point did with a request.</summary>
public enum EnforcementOutcome
{
    /// <summary>Allowed and passed on.</summary>
    Allow,

    /// <summary>Refused with 403: denied, or a route that maps to no decision.</summary>
    Deny,

    /// <summary>Refused with 401: no valid token for this service.</summary>
    Unauthenticated,

    /// <summary>Refused with 503: no decision could be had (fails closed).</summary>
    Unavailable,

    /// <summary>Passed on unchecked: an anonymous path.</summary>
    Anonymous,
}
