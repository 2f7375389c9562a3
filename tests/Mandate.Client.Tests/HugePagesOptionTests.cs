using Mandate.Authorization;
using Mandate.Client.Enforcement;
using Mandate.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Client.Tests;

/// <summary>Who backs a local snapshot with huge pages: the proxy by default, the middleware only when asked.</summary>
public sealed class HugePagesOptionTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task InProcessEnforcement_BacksItsSnapshotWithHugePages_OnlyWhenAsked(bool asked, bool registered)
    {
        await using var services = Services(options =>
        {
            options.Mode = DecisionMode.InProcess;
            options.HugePages = asked;
        });

        Assert.Equal(registered, services.GetService<SnapshotHugePages>() is not null);
    }

    [Fact]
    public async Task RemoteDecisions_HoldNoSnapshot_SoNothingIsCollapsed()
    {
        await using var services = Services(options => options.HugePages = true);

        Assert.Null(services.GetService<SnapshotHugePages>());
    }

    [Theory]
    [InlineData("", true)]
    [InlineData(""", "huge_pages": false""", false)]
    [InlineData(""", "huge_pages": true""", true)]
    public void TheProxy_UsesHugePages_UnlessItsConfigurationSaysNot(string setting, bool expected)
    {
        var configuration = ProxyConfiguration.Parse($$"""{ "upstream": "http://127.0.0.1:9", "server": "http://127.0.0.1:8080", "audience": "svc"{{setting}} }""");
        var options = new MandateEnforcementOptions();

        configuration.ApplyTo(options, "credential");

        Assert.Equal(expected, configuration.HugePages);
        Assert.Equal(expected, options.HugePages);
    }

    [Fact]
    public void AHugePagesSettingOfTheWrongType_IsRefused() =>
        Assert.Throws<ArgumentException>(() => ProxyConfiguration.Parse("""{ "upstream": "http://127.0.0.1:9", "huge_pages": "yes" }"""));

    private static ServiceProvider Services(Action<MandateEnforcementOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders());
        services.AddMandateEnforcement(options =>
        {
            options.Server = new Uri("http://127.0.0.1:9");
            options.Audience = "svc";
            options.Credential = "credential";
            configure(options);
        });
        return services.BuildServiceProvider();
    }
}
