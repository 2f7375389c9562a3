using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

internal sealed partial class Evaluator
{
    internal CedarValue? EvaluateBinary(BinaryOperator op, CedarValue left, CedarValue right)
    {
        switch (op)
        {
            case BinaryOperator.Equal:
                return BoolValue.Of(left.Equals(right));
            case BinaryOperator.NotEqual:
                return BoolValue.Of(!left.Equals(right));
            case BinaryOperator.Less:
                return Compare(left, right, out var lt) ? BoolValue.Of(lt < 0) : null;
            case BinaryOperator.LessOrEqual:
                return Compare(left, right, out var le) ? BoolValue.Of(le <= 0) : null;
            case BinaryOperator.Greater:
                return Compare(left, right, out var gt) ? BoolValue.Of(gt > 0) : null;
            case BinaryOperator.GreaterOrEqual:
                return Compare(left, right, out var ge) ? BoolValue.Of(ge >= 0) : null;
            case BinaryOperator.Add:
                return Arithmetic(left, right, "add", static (a, b) => a + b);
            case BinaryOperator.Subtract:
                return Arithmetic(left, right, "subtract", static (a, b) => a - b);
            case BinaryOperator.Multiply:
                return Arithmetic(left, right, "multiply", static (a, b) => a * b);
            case BinaryOperator.In:
                return left is EntityUid uid ? IsIn(uid, right) : TypeError("an entity", left);
            case BinaryOperator.Contains:
                return left is SetValue set ? BoolValue.Of(set.Contains(right)) : TypeError("a set", left);
            case BinaryOperator.ContainsAll:
                return SetPair(left, right, out var all, out var required) ? BoolValue.Of(required.Elements.All(all.Contains)) : null;
            case BinaryOperator.ContainsAny:
                return SetPair(left, right, out var any, out var wanted) ? BoolValue.Of(wanted.Elements.Any(any.Contains)) : null;
            case BinaryOperator.GetTag:
                return Tag(left, right, get: true);
            case BinaryOperator.HasTag:
                return Tag(left, right, get: false);
            default:
                return Fail("unsupported operator");
        }
    }

    private CedarValue? IsIn(EntityUid uid, CedarValue container)
    {
        switch (container)
        {
            case EntityUid ancestor:
                return BoolValue.Of(IsIn(uid, ancestor));
            case SetValue set:
            {
                var found = false;
                foreach (var element in set.Elements)
                {
                    // Every element must be an entity, even after a match.
                    if (element is not EntityUid candidate)
                    {
                        return TypeError("a set of entities", element);
                    }

                    found |= IsIn(uid, candidate);
                }

                return BoolValue.Of(found);
            }

            default:
                return TypeError("an entity or a set of entities", container);
        }
    }

    private CedarValue? Tag(CedarValue left, CedarValue right, bool get)
    {
        if (left is not EntityUid uid)
        {
            return TypeError("an entity", left);
        }

        if (right is not StringValue key)
        {
            return TypeError("a string", right);
        }

        var found = TryGetEntity(uid, out var entity);
        if (!get)
        {
            return BoolValue.Of(found && entity.Tags.ContainsKey(key.Value));
        }

        if (!found)
        {
            return Fail($"entity `{uid}` does not exist");
        }

        return entity.Tags.TryGetValue(key.Value, out var tag) ? tag : Fail($"`{uid}` does not have the tag `{key.Value}`");
    }

    private bool SetPair(CedarValue left, CedarValue right, out SetValue first, out SetValue second)
    {
        first = (left as SetValue)!;
        second = (right as SetValue)!;
        if (first is null)
        {
            TypeError("a set", left);
            return false;
        }

        if (second is null)
        {
            TypeError("a set", right);
            return false;
        }

        return true;
    }

    private bool Compare(CedarValue left, CedarValue right, out int order)
    {
        order = 0;
        switch (left, right)
        {
            case (LongValue a, LongValue b):
                order = a.Value.CompareTo(b.Value);
                return true;
            case (DatetimeValue a, DatetimeValue b):
                order = a.EpochMilliseconds.CompareTo(b.EpochMilliseconds);
                return true;
            case (DurationValue a, DurationValue b):
                order = a.Milliseconds.CompareTo(b.Milliseconds);
                return true;
            case (LongValue or DatetimeValue or DurationValue, _):
                TypeError(Describe(left.Type), right);
                return false;
            default:
                TypeError("a long, a datetime or a duration", left);
                return false;
        }
    }

    private CedarValue? Arithmetic(CedarValue left, CedarValue right, string verb, Func<Int128, Int128, Int128> operation)
    {
        if (left is not LongValue a)
        {
            return TypeError("a long", left);
        }

        if (right is not LongValue b)
        {
            return TypeError("a long", right);
        }

        var result = operation(a.Value, b.Value);
        return result < long.MinValue || result > long.MaxValue
            ? Fail($"integer overflow while attempting to {verb} `{a.Value}` and `{b.Value}`")
            : new LongValue((long)result);
    }
}
