using System.Text;
using System.Text.Json;
using Mandate.Server.Access;

namespace Mandate.Server.Tests.Access;

/// <summary>How the AuthZEN reader names a flat context's members.</summary>
public sealed class AuthZenReaderTests
{
    [Fact]
    public void AContextMemberAPolicyReads_IsTheRuntimesInstanceOfItsName()
    {
        // Unique names: one the runtime's pool holds (as a compiled policy's attribute names are), one it does not.
        var pooled = string.Intern("purpose_" + Guid.NewGuid().ToString("N"));
        var stranger = "ticket_" + Guid.NewGuid().ToString("N");
        var body = Encoding.UTF8.GetBytes($$$"""
            {"subject": {"type": "Agent", "id": "a"}, "action": {"name": "read"}, "resource": {"type": "Doc", "id": "d"},
             "context": {"{{{pooled}}}": "audit", "{{{stranger}}}": 7}}
            """);

        var reader = new Utf8JsonReader(body);
        var fields = AuthZenReader.ReadEvaluation(ref reader).ContextFields!;

        Assert.Same(pooled, fields[0].Key);
        Assert.Equal(stranger, fields[1].Key);
        Assert.Null(string.IsInterned(stranger));
    }
}
