using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>Evaluates a single Cedar expression, for tools and tests.</summary>
public static class ExpressionEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="expression"/> for <paramref name="request"/>; throws
    /// <see cref="EvaluationException"/> when Cedar would report an evaluation error.
    /// </summary>
    public static CedarValue Evaluate(Expr expression, Request request, EntityStore entities) =>
        new Evaluator(request, entities).Evaluate(expression);
}
