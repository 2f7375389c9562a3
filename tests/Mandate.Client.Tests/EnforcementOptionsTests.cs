using Mandate.Client.Enforcement;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Client.Tests;

/// <summary>The middleware refuses, at registration, a Mandate server address it could never call.</summary>
public sealed class EnforcementOptionsTests
{
    [Theory]
    [InlineData("mandate.internal", UriKind.Relative)]
    [InlineData("ftp://mandate.internal", UriKind.Absolute)]
    public void AServerThatIsNoHttpAddress_IsRefused(string server, UriKind kind)
    {
        var services = new ServiceCollection();

        var refused = Assert.Throws<ArgumentException>(() => services.AddMandateEnforcement(options =>
        {
            options.Server = new Uri(server, kind);
            options.Audience = "svc";
        }));

        Assert.Contains("must be an absolute http or https address", refused.Message, StringComparison.Ordinal);
        Assert.Empty(services);
    }
}
