using System.Globalization;
using Mandate.Storage.Sqlite;

namespace Mandate.Benchmarks.Events;

/// <summary>
/// <c>events</c>: the event pipeline's figures beside a plain batched insert into the same engine, in one run.
/// <c>--events N</c> sets the pipeline run's size; <c>--stored N</c> the query run's (10,000,000 by default);
/// <c>--reference N</c> the plain insert's (the pipeline run's size up to 1,000,000 by default); <c>--warm-up S</c> the
/// seconds the pipeline runs before it is measured (3 by default).
/// </summary>
internal static class EventsRun
{
    public static async Task RunAsync(string[] args)
    {
        var count = Option(args, "--events") ?? 2_000_000;
        var stored = Option(args, "--stored") ?? 10_000_000;
        var referenceCount = Option(args, "--reference") ?? Math.Min(count, 1_000_000);
        var warmUp = TimeSpan.FromSeconds(Option(args, "--warm-up") ?? 3);
        var root = Path.Combine(Path.GetTempPath(), "mandate-events-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"{Environment.ProcessorCount} cores; .NET {Environment.Version}; data in {root}");
            var referenceEvents = new EventWorkload(10_000, DateTimeOffset.UtcNow.AddHours(-1), TimeSpan.FromTicks(10), seed: 11).Take(referenceCount);
            double reference;
            using (var rows = new SqliteRowReference(Directory.CreateDirectory(Path.Combine(root, "reference")).FullName))
            {
                reference = rows.Insert(referenceEvents.Chunk(SqliteRowReference.BatchSize));
            }

            referenceEvents = null;
            GC.Collect();
            var pipelineDirectory = Directory.CreateDirectory(Path.Combine(root, "pipeline")).FullName;
            var pipeline = await PipelineRun.MeasureAsync(pipelineDirectory, count, warmUp);

            // Gigabytes the queries below have no use for: deleted now, their pages are dropped rather than written back
            // while the queries run.
            Directory.Delete(pipelineDirectory, recursive: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reference: plain batched SQLite insert ({SqliteRowReference.BatchSize} rows/transaction): {reference,12:N0} events/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pipeline:  emit -> durable, chained, compressed:        {pipeline.EventsPerSecond,12:N0} events/s  (emit {pipeline.EmitNanoseconds:F0} ns, dropped {pipeline.Dropped})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"           measured over {count:N0} events after a warm-up of {pipeline.WarmUpEvents:N0} events in {pipeline.WarmUpTime.TotalSeconds:F1} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"           CPU {pipeline.CpuNanoseconds:F0} ns/event over all threads (producer included): {Environment.ProcessorCount * 1e9 / pipeline.CpuNanoseconds,12:N0} events/s if every core were free"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"           allocated {pipeline.AllocatedBytes:F0} bytes/event; collections gen0/1/2 {pipeline.Collections}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio pipeline / reference: {pipeline.EventsPerSecond / reference:F2}  (target: pipeline >= 1,000,000 events/s)"));
            if (stored > 0)
            {
                await QueriesAsync(root, stored);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Fills Mandate's store, SQLite rows and DuckDB with the same stream, then times one identity's last hour in each.</summary>
    private static async Task QueriesAsync(string root, long stored)
    {
        var end = DateTimeOffset.UtcNow;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"query: one identity's last hour out of {stored:N0} stored events ({QueryRun.Identities:N0} identities over 10 days)"));
        await using (var store = await SqliteMandateStore.OpenAsync(Directory.CreateDirectory(Path.Combine(root, "query")).FullName))
        {
            var fill = await QueryRun.FillAsync(store, stored, end);
            Quiesce();
            var mandate = await QueryRun.MandateAsync(store, end);
            Report("mandate (blocks, filters)", fill, mandate, Path.Combine(root, "query", "events.db"));
        }

        using (var duck = new DuckDbReference(Directory.CreateDirectory(Path.Combine(root, "duckdb")).FullName))
        {
            var fill = duck.Insert(QueryRun.Batches(stored, end, seed: 3));
            Quiesce();
            Report("duckdb rows (appender)", fill, await QueryRun.ReferenceAsync(duck.Query, end), Path.Combine(root, "duckdb", "reference.duckdb"));
        }

        using (var rows = new SqliteRowReference(Directory.CreateDirectory(Path.Combine(root, "rows")).FullName))
        {
            var fill = rows.Insert(QueryRun.Batches(stored, end, seed: 3));
            Quiesce();
            Report("sqlite rows (reference)", fill, await QueryRun.ReferenceAsync(rows.Query, end), Path.Combine(root, "rows", "reference.db"));
        }
    }

    /// <summary>
    /// Writes back every dirty page on the machine before queries are timed: a fill leaves a gigabyte or more of them,
    /// and their writeback would otherwise compete with the queries' reads (one run's max went from ~40 to 214 ms).
    /// The queries still read a warm page cache, as on a server that wrote the events itself.
    /// </summary>
    private static void Quiesce()
    {
        if (OperatingSystem.IsLinux())
        {
            Sync();
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "sync")]
    private static extern void Sync();

    private static void Report(string engine, double fill, QueryRun.Latencies latency, string file)
    {
        var size = new FileInfo(file).Length + (File.Exists(file + "-wal") ? new FileInfo(file + "-wal").Length : 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {engine,-28} fill {fill,10:N0} events/s  size {size / 1048576.0,8:N0} MiB  first {latency.FirstMs,7:F1} ms  median {latency.MedianMs,7:F1} ms  max {latency.MaxMs,7:F1} ms  ({latency.Rows} events/answer)"));
    }

    private static int? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
    }
}
