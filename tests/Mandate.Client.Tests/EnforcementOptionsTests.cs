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

    [Theory]
    [InlineData(DecisionMode.Remote, "remote mode needs MandateEnforcementOptions.Credential")]
    [InlineData(DecisionMode.InProcess, "in-process mode needs MandateEnforcementOptions.Credential")]
    public void NoCredential_IsRefused(DecisionMode mode, string message)
    {
        var refused = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMandateEnforcement(options =>
        {
            options.Server = new Uri("http://127.0.0.1:8080");
            options.Audience = "svc";
            options.Mode = mode;
        }));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(61_000)]
    public void ADecisionTimeoutOutsideItsRange_IsRefused(int milliseconds)
    {
        var refused = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMandateEnforcement(options =>
        {
            options.Server = new Uri("http://127.0.0.1:8080");
            options.Audience = "svc";
            options.Credential = "a-credential";
            options.DecisionTimeout = TimeSpan.FromMilliseconds(milliseconds);
        }));

        Assert.Contains("DecisionTimeout must be more than zero and at most 60 s", refused.Message, StringComparison.Ordinal);
    }
}
