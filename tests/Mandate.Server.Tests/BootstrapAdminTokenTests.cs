using System.Net;
using System.Net.Http.Headers;

namespace Mandate.Server.Tests;

public sealed class BootstrapAdminTokenTests
{
    [Fact]
    public async Task FirstStart_WithoutConfiguredToken_PrintsOneOnceAndItKeepsWorking()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mandate-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var firstOutput = new StringWriter();
            string token;
            await using (var first = await TestServer.StartAsync(directory, ownsDirectory: false, o => o with { AdminToken = null, Announcements = firstOutput }))
            {
                token = firstOutput.ToString().Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Single(word => word.StartsWith("mnd_admin_", StringComparison.Ordinal));
                Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(first, token));
            }

            var secondOutput = new StringWriter();
            await using var second = await TestServer.StartAsync(directory, ownsDirectory: false, o => o with { AdminToken = null, Announcements = secondOutput });
            Assert.DoesNotContain("mnd_admin_", secondOutput.ToString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(second, token));
            foreach (var file in Directory.GetFiles(directory))
            {
                Assert.DoesNotContain(token, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
            }
        }
        finally
        {
            TestServer.DeleteDirectory(directory);
        }
    }

    private static async Task<HttpStatusCode> StatusWithAsync(TestServer server, string token)
    {
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/v1/identities");
        return response.StatusCode;
    }
}
