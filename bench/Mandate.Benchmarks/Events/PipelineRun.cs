using System.Diagnostics;
using Mandate.Core.Events;
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
    public static async Task<PipelineFigures> MeasureAsync(string directory, int count, TimeSpan warmUpTime)
    {
        // A pool of distinct events, emitted round and round: a batch never repeats an id, and the benchmark's own
        // heap stays small, so collections measure the pipeline rather than a million pre-built records.
        var pool = new EventWorkload(10_000, DateTimeOffset.UtcNow.AddHours(-1), TimeSpan.FromTicks(10)).Take(65_536);
        await using var store = await SqliteMandateStore.OpenAsync(directory);
        var options = new EventPipelineOptions();
        var pipeline = new EventPipeline(store.Events, options, NullLogger<EventPipeline>.Instance);

        // A warm-up first, so the measured run sees a filled buffer pool and the code a long-running server runs:
        // tiered compilation promotes a method only after 30 calls and a pause of 100 ms without new methods to
        // compile, and with dynamic PGO goes through an instrumented tier first, which takes seconds, not events.
        var warmUp = 0L;
        var warming = Stopwatch.StartNew();
        do
        {
            var round = Math.Min(count / 4, 250_000);
            await EmitAsync(pipeline, options, pool, round, warmUp);
            warmUp += round;
        }
        while (warming.Elapsed < warmUpTime);

        var warmedUp = warming.Elapsed;

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var collections = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var clock = Stopwatch.StartNew();
        var emitNs = await EmitAsync(pipeline, options, pool, count, warmUp);
        clock.Stop();
        var cpuNs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds / count;
        var bytes = (double)(GC.GetTotalAllocatedBytes() - allocated) / count;
        var gcs = $"{GC.CollectionCount(0) - collections.Item1}/{GC.CollectionCount(1) - collections.Item2}/{GC.CollectionCount(2) - collections.Item3}";
        var dropped = pipeline.Dropped;
        await pipeline.DisposeAsync();
        return new PipelineFigures(count / clock.Elapsed.TotalSeconds, emitNs, cpuNs, bytes, gcs, dropped, warmUp, warmedUp);
    }

    /// <summary>Emits <paramref name="count"/> events from the pool and waits until they are durable; returns the mean cost of an emit in nanoseconds.</summary>
    private static async Task<double> EmitAsync(EventPipeline pipeline, EventPipelineOptions options, MandateEvent[] pool, int count, long before)
    {
        // The producer has a thread of its own: it sleeps whenever the queue is full, and sleeping on a pool thread
        // would take one of the two workers the block encoders run on (a server's producers are request handlers,
        // which never block the pool).
        var emitNs = await Task.Factory.StartNew(() => Emit(pipeline, options, pool, count), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        while (true)
        {
            var next = pipeline.NextAppend;
            if (pipeline.Written + pipeline.Dropped >= before + count)
            {
                return emitNs;
            }

            await next.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    private static double Emit(EventPipeline pipeline, EventPipelineOptions options, MandateEvent[] pool, int count)
    {
        // Emits are timed one in 16: reading the clock twice for every event would cost more than the emit itself.
        var emitTicks = 0L;
        for (var n = 0; n < count; n++)
        {
            var e = pool[n & (pool.Length - 1)];
            // A producer that respects backpressure: Emit never blocks, so a burst larger than the queue waits here.
            while (pipeline.Pending > options.Capacity - 1024)
            {
                Thread.Sleep(1);
            }

            if ((n & 15) == 0)
            {
                var start = Stopwatch.GetTimestamp();
                pipeline.Emit(e);
                emitTicks += Stopwatch.GetTimestamp() - start;
            }
            else
            {
                pipeline.Emit(e);
            }
        }

        return emitTicks * 1e9 / Stopwatch.Frequency / ((count + 15) / 16);
    }
}

/// <summary>What one pipeline run measured: throughput, producer cost, CPU and allocation per event, collections (gen 0/1/2), and the warm-up before it.</summary>
internal sealed record PipelineFigures(
    double EventsPerSecond, double EmitNanoseconds, double CpuNanoseconds, double AllocatedBytes, string Collections, long Dropped, long WarmUpEvents, TimeSpan WarmUpTime);
