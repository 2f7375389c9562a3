using System.Globalization;

namespace Mandate.Benchmarks.Events;

/// <summary>
/// <c>events</c>: the event pipeline's figures beside a plain batched insert into the same engine, in one run.
/// <c>--events N</c> sets the pipeline run's size; <c>--stored N</c> the query run's (10,000,000 by default).
/// </summary>
internal static class EventsRun
{
    public static async Task RunAsync(string[] args)
    {
        var count = Option(args, "--events") ?? 2_000_000;
        var root = Path.Combine(Path.GetTempPath(), "mandate-events-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"{Environment.ProcessorCount} cores; .NET {Environment.Version}; data in {root}");
            var referenceEvents = new EventWorkload(10_000, DateTimeOffset.UtcNow.AddHours(-1), TimeSpan.FromTicks(10), seed: 11).Take(Math.Min(count, 1_000_000));
            double reference;
            using (var rows = new SqliteRowReference(Directory.CreateDirectory(Path.Combine(root, "reference")).FullName))
            {
                reference = rows.Insert(referenceEvents);
            }

            referenceEvents = null;
            GC.Collect();
            var (rate, emitNs, cpuNs, dropped) = await PipelineRun.MeasureAsync(Directory.CreateDirectory(Path.Combine(root, "pipeline")).FullName, count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reference: plain batched SQLite insert ({SqliteRowReference.BatchSize} rows/transaction): {reference,12:N0} events/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pipeline:  emit -> durable, chained, compressed:        {rate,12:N0} events/s  (emit {emitNs:F0} ns, dropped {dropped})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"           CPU {cpuNs:F0} ns/event over all threads (producer included): {Environment.ProcessorCount * 1e9 / cpuNs,12:N0} events/s if every core were free"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio pipeline / reference: {rate / reference:F2}  (target: pipeline >= 1,000,000 events/s)"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static int? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
    }
}
