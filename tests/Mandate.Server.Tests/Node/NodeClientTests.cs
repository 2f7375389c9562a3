namespace Mandate.Server.Tests.Node;

/// <summary>Every <c>tests/node/*.test.mjs</c> file, each against its own fresh server.</summary>
public sealed class NodeClientTests
{
    public static TheoryData<string> Files => NodeTestRunner.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public async Task NodeTestFile_Passes(string file)
    {
        await using var server = await TestServer.StartAsync();
        await NodeTestRunner.RunAsync(file, server);
    }
}
