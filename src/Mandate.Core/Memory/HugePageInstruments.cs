using System.Diagnostics.Metrics;

namespace Mandate.Core.Memory;

/// <summary>
/// The huge-page gauges every Mandate process that decides reports, whatever its meter: the server's and an enforcement
/// point's (<c>mandate proxy</c>) name them alike, so one dashboard reads both.
/// </summary>
public static class HugePageInstruments
{
    /// <summary>
    /// Adds to <paramref name="meter"/> <c>mandate.memory.huge_pages</c> (how much of the process the kernel backs with huge
    /// pages now) and, when the process collapses its decision snapshot (<paramref name="lastCollapse"/> gives the last
    /// collapse's report), <c>mandate.snapshot.huge_pages.collapsed</c> and <c>.refused</c>.
    /// </summary>
    public static void Add(Meter meter, Func<HugePageReport?>? lastCollapse)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableGauge("mandate.memory.huge_pages", () => Present(HugePages.ProcessBytes()), "By",
            "Bytes of the process's anonymous memory the kernel backs with huge pages (Linux only)");
        if (lastCollapse is not null)
        {
            meter.CreateObservableGauge("mandate.snapshot.huge_pages.collapsed", () => Collapse(lastCollapse, r => r.CollapsedBytes), "By",
                "Bytes the last collapse of the decision snapshot backed with huge pages");
            meter.CreateObservableGauge("mandate.snapshot.huge_pages.refused", () => Collapse(lastCollapse, r => r.Refused), "{chunk}",
                "Dense chunks the kernel did not collapse into huge pages in the last collapse");
        }
    }

    // The measurement of a gauge whose value may be unknown: none rather than zero, since a gauge that reads 0 would claim
    // a measurement.
    private static IEnumerable<Measurement<long>> Present(long? value) => value is { } v ? [new Measurement<long>(v)] : [];

    // Nothing before the first collapse, nor where the system cannot collapse.
    private static IEnumerable<Measurement<long>> Collapse(Func<HugePageReport?> last, Func<HugePageReport, long> figure) =>
        Present(last() is { UnsupportedReason: null } report ? figure(report) : null);
}
