using System.Diagnostics;
using Mandate.Storage.Sqlite;
using Mandate.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mandate.Benchmarks.Events;

/// <summary>
/// In-process pipeline throughput: one producer emits pre-built events through <see cref="EventPipeline"/> into the
/// embedded store as fast as the pipeline takes them, and the clock stops when the last one is durable.
/// </summary>
internal static class PipelineRun
{
    public static async Task<(double EventsPerSecond, double EmitNanoseconds, double CpuNanoseconds, long Dropped)> MeasureAsync(string directory, int count)
    {
        // A pool of distinct events, emitted round and round: a batch never repeats an id, and the benchmark's own
        // heap stays small, so collections measure the pipeline rather than a million pre-built records.
        var pool = new EventWorkload(10_000, DateTimeOffset.UtcNow.AddHours(-1), TimeSpan.FromTicks(10)).Take(65_536);
        await using var store = await SqliteMandateStore.OpenAsync(directory);
        var options = new EventPipelineOptions();
        var pipeline = new EventPipeline(store.Events, options, NullLogger<EventPipeline>.Instance);
        var emitTicks = 0L;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var n = 0; n < count; n++)
        {
            var e = pool[n & (pool.Length - 1)];
            // A producer that respects backpressure: Emit never blocks, so a burst larger than the queue waits here.
            while (pipeline.Pending > options.Capacity - 1024)
            {
                Thread.Sleep(1);
            }

            var before = Stopwatch.GetTimestamp();
            pipeline.Emit(e);
            emitTicks += Stopwatch.GetTimestamp() - before;
        }

        while (true)
        {
            var next = pipeline.NextAppend;
            if (pipeline.Written + pipeline.Dropped >= count)
            {
                break;
            }

            await next.WaitAsync(TimeSpan.FromSeconds(60));
        }

        clock.Stop();
        var cpuNs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds / count;
        var dropped = pipeline.Dropped;
        await pipeline.DisposeAsync();
        return (count / clock.Elapsed.TotalSeconds, emitTicks * 1e9 / Stopwatch.Frequency / count, cpuNs, dropped);
    }
}
