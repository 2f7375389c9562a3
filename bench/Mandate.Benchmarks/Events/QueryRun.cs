using System.Diagnostics;
using Mandate.Core.Events;
using Mandate.Storage.Sqlite;

namespace Mandate.Benchmarks.Events;

/// <summary>
/// One identity's last hour out of a large stored stream: <c>stored</c> events from 1,000 agents over ten days
/// (about 42 events per agent in the last hour): the first query of the process (cold: it includes compiling the query
/// path), then 2 seconds of untimed queries, then twenty different agents timed.
/// </summary>
internal static class QueryRun
{
    public const int Identities = 1_000;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Span = TimeSpan.FromDays(10);

    public sealed record Latencies(double FirstMs, double MedianMs, double MaxMs, int Rows);

    public static IEnumerable<MandateEvent[]> Batches(long stored, DateTimeOffset end, int seed)
    {
        var workload = new EventWorkload(Identities, end - Span, Span / stored, seed);
        for (var made = 0L; made < stored; made += SqliteRowReference.BatchSize)
        {
            yield return workload.Take((int)Math.Min(SqliteRowReference.BatchSize, stored - made));
        }
    }

    /// <summary>Fills Mandate's store; returns events per second of the fill (store appends, not the pipeline).</summary>
    public static async Task<double> FillAsync(SqliteMandateStore store, long stored, DateTimeOffset end)
    {
        var clock = Stopwatch.StartNew();
        var pending = new Queue<Task>();
        foreach (var batch in Batches(stored, end, seed: 3))
        {
            pending.Enqueue(store.Events.AppendAsync(batch));
            if (pending.Count >= 4)
            {
                await pending.Dequeue();
            }
        }

        await Task.WhenAll(pending);
        return stored / clock.Elapsed.TotalSeconds;
    }

    public static async Task<Latencies> MandateAsync(SqliteMandateStore store, DateTimeOffset end) =>
        await MeasureAsync(async identity =>
        {
            var rows = 0;
            var query = new EventQuery { IdentityId = identity, From = end.AddHours(-1), To = end };
            while (true)
            {
                var page = await store.Events.QueryAsync(query, 1000);
                rows += page.Items.Count;
                if (page.NextCursor is null)
                {
                    return rows;
                }

                query = query with { AfterSequence = page.Items[^1].Sequence };
            }
        });

    public static Task<Latencies> ReferenceAsync(Func<string, DateTimeOffset, DateTimeOffset, int> query, DateTimeOffset end) =>
        MeasureAsync(identity => Task.FromResult(query(identity, end.AddHours(-1), end)));

    private static async Task<Latencies> MeasureAsync(Func<string, Task<int>> query)
    {
        var clock = Stopwatch.StartNew();
        var rows = await query(EventWorkload.Agent(0));
        var first = clock.Elapsed.TotalMilliseconds;

        // Then other identities' queries, untimed, for 2 seconds: the first few queries of a process run while tiered
        // compilation replaces the query path's code (one run's fifth query took 131 ms, the seventh on 25 ms), and a
        // server that answers queries is past that.
        clock.Restart();
        for (var i = 0; clock.Elapsed < WarmUp; i++)
        {
            await query(EventWorkload.Agent((i * 53 % (Identities - 1)) + 1));
        }

        var samples = new List<double>();
        for (var i = 1; i <= 20; i++)
        {
            clock.Restart();
            rows += await query(EventWorkload.Agent(i * 37 % Identities));
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }

        samples.Sort();
        return new Latencies(first, samples[samples.Count / 2], samples[^1], rows / 21);
    }
}
