using Mandate.Cedar.Ast;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Syntax;

public sealed class TemplateTests
{
    private const string Template = """permit(principal == ?principal, action, resource in ?resource) when { context.ok };""";

    [Fact]
    public void ParsePolicySet_TemplatesAreKeptApartFromPolicies()
    {
        var set = CedarParser.ParsePolicySet(Template);

        Assert.Empty(set.Policies);
        var template = Assert.Single(set.Templates);
        Assert.Equal([SlotId.Principal, SlotId.Resource], template.Slots.ToArray());
    }

    [Fact]
    public void Link_FillsSlotsAndTheLinkedPolicyAuthorizes()
    {
        var set = CedarParser.ParsePolicySet(Template).Link("policy0", "alice-album", new Dictionary<SlotId, EntityUid>
        {
            [SlotId.Principal] = EntityUid.Of("User", "alice"),
            [SlotId.Resource] = EntityUid.Of("Album", "a"),
        });

        var linked = Assert.Single(set.Policies);
        Assert.Equal("policy0", linked.TemplateId);
        Assert.False(linked.IsTemplate);

        var entities = CedarFixture.Entities("""[{"uid": {"type": "Photo", "id": "p1"}, "attrs": {}, "parents": [{"type": "Album", "id": "a"}]}]""");
        var request = CedarFixture.DefaultRequest with { Context = new RecordValue([new("ok", BoolValue.True)]) };
        var response = Authorizer.IsAuthorized(request, set, entities);

        Assert.Equal(Decision.Allow, response.Decision);
        Assert.Equal(["alice-album"], response.Reasons);
    }

    [Fact]
    public void Link_MissingSlotValue_IsRejected()
    {
        var set = CedarParser.ParsePolicySet(Template);

        var error = Assert.Throws<ArgumentException>(() => set.Link("policy0", "x", new Dictionary<SlotId, EntityUid> { [SlotId.Principal] = EntityUid.Of("User", "a") }));
        Assert.Contains("?resource", error.Message, StringComparison.Ordinal);
    }
}
