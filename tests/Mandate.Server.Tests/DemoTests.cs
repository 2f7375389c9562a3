using Mandate.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests;

public sealed class DemoTests
{
    [Fact]
    public async Task Demo_SeedsAFleetWithOwnersAndProducesLiveTokenAndDecisionTraffic()
    {
        await using var server = await TestServer.StartAsync(o => o with { Demo = true });

        var identities = (await server.GetJsonAsync("/v1/identities?limit=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.True(identities.Count >= 15, $"{identities.Count} identities");
        Assert.All(identities.Where(i => i.GetProperty("kind").GetString() != "human"),
            i => Assert.False(string.IsNullOrEmpty(i.GetProperty("owner").GetString())));
        Assert.True((await server.GetJsonAsync("/v1/policies")).GetProperty("items").GetArrayLength() >= 3);

        var pipeline = server.Server.Services.GetRequiredService<EventPipeline>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var appended = pipeline.NextAppend;
            var decisions = (await server.GetJsonAsync("/v1/events?type=decision&limit=1000")).GetProperty("items").EnumerateArray().ToList();
            var tokens = (await server.GetJsonAsync("/v1/events?type=token.issued&limit=1000")).GetProperty("items").GetArrayLength();
            if (tokens >= 1 && decisions.Select(d => d.GetProperty("outcome").GetString()).Distinct().Count() == 2)
            {
                break;
            }

            await appended.WaitAsync(timeout.Token);
        }
    }

    [Fact]
    public async Task Demo_RestartDoesNotSeedTwice()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mandate-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            int first;
            await using (var server = await TestServer.StartAsync(directory, ownsDirectory: false, o => o with { Demo = true }))
            {
                first = (await server.GetJsonAsync("/v1/identities?limit=100")).GetProperty("items").GetArrayLength();
            }

            await using var again = await TestServer.StartAsync(directory, ownsDirectory: false, o => o with { Demo = true });
            Assert.Equal(first, (await again.GetJsonAsync("/v1/identities?limit=100")).GetProperty("items").GetArrayLength());
        }
        finally
        {
            TestServer.DeleteDirectory(directory);
        }
    }
}
