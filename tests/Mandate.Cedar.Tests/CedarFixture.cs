using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Json;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests;

/// <summary>Shortcuts for evaluating expressions in tests.</summary>
internal static class CedarFixture
{
    public static Request DefaultRequest { get; } = new(
        EntityUid.Of("User", "alice"),
        EntityUid.Of("Action", "view"),
        EntityUid.Of("Photo", "p1"),
        RecordValue.Empty);

    public static CedarValue Eval(string expression, EntityStore? entities = null, string context = "{}") =>
        ExpressionEvaluator.Evaluate(
            CedarParser.ParseExpression(expression),
            DefaultRequest with { Context = CedarJson.ParseContext(context) },
            entities ?? EntityStore.Empty);

    public static bool EvalBool(string expression, EntityStore? entities = null, string context = "{}") =>
        Assert.IsType<BoolValue>(Eval(expression, entities, context)).Value;

    public static EvaluationException EvalError(string expression, EntityStore? entities = null, string context = "{}") =>
        Assert.Throws<EvaluationException>(() => Eval(expression, entities, context));

    public static EntityStore Entities(string json) => CedarJson.ParseEntities(json);
}
