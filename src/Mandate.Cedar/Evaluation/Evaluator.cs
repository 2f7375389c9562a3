using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>
/// Evaluates Cedar expressions and policies against one request and entity store. Failures throw
/// <see cref="EvaluationException"/>; the authorizer turns them into policy errors.
/// </summary>
internal sealed partial class Evaluator(Request request, EntityStore entities)
{
    private readonly Request _request = request;
    private readonly EntityStore _entities = entities;

    /// <summary>The request being evaluated.</summary>
    public Request Request => _request;

    /// <summary>Evaluates an expression that has not been compiled ahead of time.</summary>
    public CedarValue Evaluate(Expr expr) => ExpressionCompiler.Compile(expr)(this);

    internal static LongValue Negate(CedarValue operand)
    {
        var value = AsLong(operand);
        return value == long.MinValue
            ? throw new EvaluationException($"integer overflow while attempting to negate `{value}`")
            : new LongValue(-value);
    }

    internal CedarValue GetAttribute(CedarValue target, string attribute)
    {
        switch (target)
        {
            case RecordValue record:
                return record.TryGetValue(attribute, out var field)
                    ? field
                    : throw new EvaluationException($"record does not have the attribute `{attribute}`");
            case EntityUid uid:
                if (!_entities.TryGet(uid, out var entity))
                {
                    throw new EvaluationException($"entity `{uid}` does not exist");
                }

                return entity.Attributes.TryGetValue(attribute, out var value)
                    ? value
                    : throw new EvaluationException($"`{uid}` does not have the attribute `{attribute}`");
            default:
                throw TypeError("an entity or a record", target);
        }
    }

    internal bool HasAttribute(CedarValue target, string attribute) => target switch
    {
        RecordValue record => record.ContainsKey(attribute),
        EntityUid uid => _entities.TryGet(uid, out var entity) && entity.Attributes.ContainsKey(attribute),
        _ => throw TypeError("an entity or a record", target),
    };
}
