using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mandate.Server.Tests.Cli;

namespace Mandate.Server.Tests.Durability;

/// <summary>
/// Sustained NDJSON ingest into a real server process that is killed with SIGKILL at random moments, again and again:
/// every event whose ingest call was acknowledged must be there after restart, exactly once, and the audit chain must
/// verify. <c>MANDATE_KILL_ROUNDS</c> sets the number of kills (20 by default).
/// </summary>
public sealed class KillDuringIngestTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const int Writers = 3;
    private const int BatchSize = 250;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mandate-kill-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => TestServer.DeleteDirectory(_directory);

    [Fact]
    public async Task EveryAcknowledgedEvent_SurvivesSigkill_AndTheChainVerifies()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("MANDATE_KILL_ROUNDS"), CultureInfo.InvariantCulture, out var r) ? r : 20;
        var random = new Random(Environment.TickCount);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        var attempted = 0L;
        for (var round = 0; round < rounds; round++)
        {
            await using var server = await ServerProcess.StartAsync(_directory, timeout.Token);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var firstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = Enumerable.Range(0, Writers).Select(w => WriteUntilKilledAsync(server.Address, round, w, acknowledged, firstAck, () => Interlocked.Increment(ref attempted), stop.Token)).ToArray();

            // Kill at a random moment while every writer is busy: some batches are acknowledged, some in flight.
            await firstAck.Task.WaitAsync(timeout.Token);
            await Task.Delay(random.Next(5, 300), timeout.Token);
            await server.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        await using (var server = await ServerProcess.StartAsync(_directory, timeout.Token))
        {
            var stored = await StoredIdsAsync(server.Address, timeout.Token);
            var missing = acknowledged.Where(id => !stored.Contains(id)).Take(5).ToList();
            Assert.True(missing.Count == 0, $"{acknowledged.Count} acknowledged, but these are missing after restart: {string.Join(", ", missing)}");
            Assert.True(acknowledged.Count >= rounds * BatchSize, $"only {acknowledged.Count} events were acknowledged over {rounds} rounds");
            Assert.True(stored.Count <= Interlocked.Read(ref attempted) * BatchSize, "more events are stored than were ever sent");
            output.WriteLine($"{rounds} SIGKILLs: {acknowledged.Count} events acknowledged, {stored.Count} stored ({stored.Count - acknowledged.Count} from batches cut off before their answer)");
            await server.KillAsync();
        }

        var verify = await CliRun.InvokeAsync(null, "audit", "verify", "--data", _directory);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    private static async Task WriteUntilKilledAsync(
        Uri server, int round, int writer, HashSet<string> acknowledged, TaskCompletionSource firstAck, Action sent, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestServer.AdminToken);
        for (var batch = 0; !stop.IsCancellationRequested; batch++)
        {
            var ids = Enumerable.Range(0, BatchSize).Select(i => $"kill-{round}-{writer}-{batch}-{i}").ToArray();
            var body = string.Join('\n', ids.Select(id => $$"""{"id":"{{id}}","type":"durability.probe","outcome":"success","actor_id":"writer-{{writer}}","message":"round {{round}}"}"""));
            using var content = new StringContent(body, Encoding.UTF8, "application/x-ndjson");
            try
            {
                sent();
                using var response = await http.PostAsync("v1/events", content, stop);
                if (!response.IsSuccessStatusCode)
                {
                    continue;
                }

                lock (acknowledged)
                {
                    acknowledged.UnionWith(ids);
                }

                firstAck.TrySetResult();
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                // Killed mid-request: this batch was never acknowledged.
                return;
            }
        }
    }

    private static async Task<HashSet<string>> StoredIdsAsync(Uri server, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestServer.AdminToken);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var page = JsonDocument.Parse(await http.GetStringAsync($"v1/events?type=durability&limit=1000{(cursor is null ? string.Empty : "&cursor=" + cursor)}", ct)).RootElement;
            foreach (var e in page.GetProperty("items").EnumerateArray())
            {
                Assert.True(ids.Add(e.GetProperty("id").GetString()!), $"event `{e.GetProperty("id").GetString()}` is stored twice");
            }

            cursor = page.TryGetProperty("next_cursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return ids;
    }
}
