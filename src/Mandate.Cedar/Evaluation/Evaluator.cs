using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>
/// Evaluates compiled Cedar expressions and policies against one request and entity store. A failing
/// operation returns null and leaves its message in <see cref="Error"/>, so errors cost no exception on the
/// decision path; the authorizer turns them into policy errors.
/// </summary>
internal sealed partial class Evaluator(Request request, EntityStore entities)
{
    private readonly Request _request = request;
    private readonly EntityStore _entities = entities;

    /// <summary>The request being evaluated.</summary>
    public Request Request => _request;

    /// <summary>The message of the most recent failure.</summary>
    public string? Error { get; private set; }

    /// <summary>Evaluates an expression that has not been compiled ahead of time; throws on failure.</summary>
    public CedarValue Evaluate(Expr expr) =>
        ExpressionCompiler.Compile(expr)(this) ?? throw new EvaluationException(Error ?? "evaluation failed");

    /// <summary>Records a failure; returns null so callers can write <c>return Fail(...)</c>.</summary>
    internal CedarValue? Fail(string message)
    {
        Error = message;
        return null;
    }

    internal CedarValue? TypeError(string expected, CedarValue actual) => Fail(TypeErrorMessage(expected, actual));

    internal static string TypeErrorMessage(string expected, CedarValue actual) =>
        $"type error: expected {expected}, got {Describe(actual.Type)}";

    internal CedarValue? Negate(CedarValue operand) => operand switch
    {
        LongValue { Value: long.MinValue } => Fail($"integer overflow while attempting to negate `{long.MinValue}`"),
        LongValue l => new LongValue(-l.Value),
        _ => TypeError("a long", operand),
    };

    internal CedarValue? GetAttribute(CedarValue target, string attribute)
    {
        switch (target)
        {
            case RecordValue record:
                return record.TryGetValue(attribute, out var field)
                    ? field
                    : Fail($"record does not have the attribute `{attribute}`");
            case EntityUid uid:
                if (!_entities.TryGet(uid, out var entity))
                {
                    return Fail($"entity `{uid}` does not exist");
                }

                return entity.Attributes.TryGetValue(attribute, out var value)
                    ? value
                    : Fail($"`{uid}` does not have the attribute `{attribute}`");
            default:
                return TypeError("an entity or a record", target);
        }
    }

    internal CedarValue? HasAttribute(CedarValue target, string attribute) => target switch
    {
        RecordValue record => BoolValue.Of(record.ContainsKey(attribute)),
        EntityUid uid => BoolValue.Of(_entities.TryGet(uid, out var entity) && entity.Attributes.ContainsKey(attribute)),
        _ => TypeError("an entity or a record", target),
    };

    private static string Describe(CedarType type) => type switch
    {
        CedarType.Bool => "a boolean",
        CedarType.Long => "a long",
        CedarType.String => "a string",
        CedarType.Entity => "an entity",
        CedarType.Set => "a set",
        CedarType.Record => "a record",
        CedarType.Decimal => "a decimal",
        CedarType.IpAddr => "an ipaddr",
        CedarType.Datetime => "a datetime",
        _ => "a duration",
    };
}
