using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>
/// Evaluates compiled Cedar expressions and policies against one request and entity store. A failing
/// operation returns null and leaves its message in <see cref="Error"/>, so errors cost no exception on the
/// decision path; the authorizer turns them into policy errors.
/// </summary>
internal sealed partial class Evaluator
{
    // One spare evaluator per thread, so deciding a request allocates none.
    [ThreadStatic]
    private static Evaluator? t_spare;

    private Request _request;
    private EntityStore _entities;
    private PreparedRequest? _prepared;

    public Evaluator(Request request, EntityStore entities)
    {
        _request = request;
        _entities = entities;
    }

    /// <summary>An evaluator for the prepared request, reusing this thread's spare one when it is free.</summary>
    public static Evaluator Rent(PreparedRequest prepared)
    {
        var evaluator = t_spare ?? new Evaluator(prepared.Request, prepared.Entities);
        t_spare = null;
        evaluator._request = prepared.Request;
        evaluator._entities = prepared.Entities;
        evaluator._prepared = prepared;
        evaluator.Error = null;
        return evaluator;
    }

    /// <summary>Gives a rented evaluator back; it must not be used afterwards.</summary>
    public static void Return(Evaluator evaluator)
    {
        evaluator._request = null!;
        evaluator._entities = null!;
        evaluator._prepared = null;
        t_spare = evaluator;
    }

    /// <summary>Cedar's <c>in</c> on entities, answered from the prepared lineages for the request's own entities.</summary>
    internal bool IsIn(EntityUid uid, EntityUid ancestor) =>
        _prepared?.LineageOf(uid) is { } lineage ? PreparedRequest.Contains(lineage, ancestor) : _entities.IsIn(uid, ancestor);

    /// <summary>Finds an entity, without a store lookup for the request's own entities.</summary>
    internal bool TryGetEntity(EntityUid uid, out Entities.Entity entity)
    {
        if (_prepared is not null && _prepared.TryGetOwn(uid, out var own))
        {
            entity = own!;
            return own is not null;
        }

        return _entities.TryGet(uid, out entity);
    }

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
                if (!TryGetEntity(uid, out var entity))
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
        EntityUid uid => BoolValue.Of(TryGetEntity(uid, out var entity) && entity.Attributes.ContainsKey(attribute)),
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
