namespace Mandate.Server.Tests.Delegation;

/// <summary>A test class with its own server and <see cref="Delegation.Fleet"/>, seeded by <see cref="SeedAsync"/> before each test.</summary>
public abstract class FleetTests : IAsyncLifetime
{
    protected TestServer Server { get; private set; } = null!;

    protected Fleet Fleet { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        Fleet = new Fleet(Server);
        await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        Fleet.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>Registers the identities (and anything else) the tests of the class start from.</summary>
    protected abstract Task SeedAsync();
}
