using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

internal sealed partial class Evaluator
{
    private CedarValue EvaluateBinary(BinaryOperator op, CedarValue left, CedarValue right)
    {
        switch (op)
        {
            case BinaryOperator.Equal:
                return BoolValue.Of(left.Equals(right));
            case BinaryOperator.NotEqual:
                return BoolValue.Of(!left.Equals(right));
            case BinaryOperator.Less:
                return BoolValue.Of(Compare(left, right) < 0);
            case BinaryOperator.LessOrEqual:
                return BoolValue.Of(Compare(left, right) <= 0);
            case BinaryOperator.Greater:
                return BoolValue.Of(Compare(left, right) > 0);
            case BinaryOperator.GreaterOrEqual:
                return BoolValue.Of(Compare(left, right) >= 0);
            case BinaryOperator.Add:
                return Arithmetic(left, right, "add", static (a, b) => a + b);
            case BinaryOperator.Subtract:
                return Arithmetic(left, right, "subtract", static (a, b) => a - b);
            case BinaryOperator.Multiply:
                return Arithmetic(left, right, "multiply", static (a, b) => a * b);
            case BinaryOperator.In:
                return BoolValue.Of(IsIn(AsEntity(left), right));
            case BinaryOperator.Contains:
                return BoolValue.Of(AsSet(left).Contains(right));
            case BinaryOperator.ContainsAll:
            {
                var set = AsSet(left);
                return BoolValue.Of(AsSet(right).Elements.All(set.Contains));
            }

            case BinaryOperator.ContainsAny:
            {
                var set = AsSet(left);
                return BoolValue.Of(AsSet(right).Elements.Any(set.Contains));
            }

            case BinaryOperator.GetTag:
            {
                var uid = AsEntity(left);
                var key = AsString(right);
                if (!_entities.TryGet(uid, out var entity))
                {
                    throw new EvaluationException($"entity `{uid}` does not exist");
                }

                return entity.Tags.TryGetValue(key, out var tag)
                    ? tag
                    : throw new EvaluationException($"`{uid}` does not have the tag `{key}`");
            }

            case BinaryOperator.HasTag:
            {
                var uid = AsEntity(left);
                var key = AsString(right);
                return BoolValue.Of(_entities.TryGet(uid, out var entity) && entity.Tags.ContainsKey(key));
            }

            default:
                throw new EvaluationException("unsupported operator");
        }
    }

    private bool IsIn(EntityUid uid, CedarValue container)
    {
        switch (container)
        {
            case EntityUid ancestor:
                return _entities.IsIn(uid, ancestor);
            case SetValue set:
            {
                var found = false;
                foreach (var element in set.Elements)
                {
                    // Every element must be an entity, even after a match.
                    found |= _entities.IsIn(uid, AsEntity(element));
                }

                return found;
            }

            default:
                throw TypeError("an entity or a set of entities", container);
        }
    }

    private static int Compare(CedarValue left, CedarValue right) => (left, right) switch
    {
        (LongValue a, LongValue b) => a.Value.CompareTo(b.Value),
        (DatetimeValue a, DatetimeValue b) => a.EpochMilliseconds.CompareTo(b.EpochMilliseconds),
        (DurationValue a, DurationValue b) => a.Milliseconds.CompareTo(b.Milliseconds),
        (LongValue or DatetimeValue or DurationValue, _) => throw TypeError(Describe(left.Type), right),
        _ => throw TypeError("a long, a datetime or a duration", left),
    };

    private static LongValue Arithmetic(CedarValue left, CedarValue right, string verb, Func<Int128, Int128, Int128> operation)
    {
        var a = AsLong(left);
        var b = AsLong(right);
        var result = operation(a, b);
        if (result < long.MinValue || result > long.MaxValue)
        {
            throw new EvaluationException($"integer overflow while attempting to {verb} `{a}` and `{b}`");
        }

        return new LongValue((long)result);
    }

    internal static bool AsBool(CedarValue value) =>
        value is BoolValue b ? b.Value : throw TypeError("a boolean", value);

    internal static long AsLong(CedarValue value) =>
        value is LongValue l ? l.Value : throw TypeError("a long", value);

    internal static string AsString(CedarValue value) =>
        value is StringValue s ? s.Value : throw TypeError("a string", value);

    internal static EntityUid AsEntity(CedarValue value) =>
        value as EntityUid ?? throw TypeError("an entity", value);

    internal static SetValue AsSet(CedarValue value) =>
        value as SetValue ?? throw TypeError("a set", value);

    internal static EvaluationException TypeError(string expected, CedarValue actual) =>
        new($"type error: expected {expected}, got {Describe(actual.Type)}");

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
