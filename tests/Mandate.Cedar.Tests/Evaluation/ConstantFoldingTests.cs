using Mandate.Cedar.Ast;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Evaluation;

public sealed class ConstantFoldingTests
{
    [Fact]
    public void Fold_LiteralSetsRecordsAndConstructors_BecomeValues()
    {
        var folded = ConstantFolding.Fold(CedarParser.ParseExpression("""[ip("10.0.0.0/8"), {a: decimal("1.5")}]"""));

        var set = Assert.IsType<SetValue>(Assert.IsType<LiteralExpr>(folded).Value);
        Assert.Equal(2, set.Count);
    }

    [Fact]
    public void Fold_FailingConstructor_IsLeftForEvaluation()
    {
        var folded = ConstantFolding.Fold(CedarParser.ParseExpression("""[ip("not an ip")]"""));

        Assert.IsType<ExtensionCallExpr>(Assert.IsType<SetExpr>(folded).Elements[0]);
    }

    [Fact]
    public void Fold_ExpressionsOverTheRequest_AreKept()
    {
        var folded = ConstantFolding.Fold(CedarParser.ParseExpression("""[context.a, 1]"""));

        Assert.IsType<SetExpr>(folded);
    }

    [Theory]
    [InlineData(true, Decision.Allow, 0)]
    [InlineData(false, Decision.Deny, 1)]
    public void FailingConstant_ErrorsOnlyWhenReached(bool flag, Decision decision, int errors)
    {
        var policies = CedarParser.ParsePolicySet("""permit(principal, action, resource) when { context.flag || ip("bad").isIpv4() };""");
        var request = CedarFixture.DefaultRequest with { Context = new RecordValue([new("flag", BoolValue.Of(flag))]) };

        var response = Authorizer.IsAuthorized(request, policies, EntityStore.Empty);

        Assert.Equal(decision, response.Decision);
        Assert.Equal(errors, response.Errors.Count);
    }
}
