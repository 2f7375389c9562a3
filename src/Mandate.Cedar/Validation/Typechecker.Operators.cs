using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Validation;

internal sealed partial class Typechecker
{
    private Typed TypeOfBinary(BinaryExpr binary, Capabilities capabilities)
    {
        var left = TypeOf(binary.Left, capabilities).Type;
        if (binary.Right is SlotExpr && binary.Operator is BinaryOperator.Equal or BinaryOperator.In)
        {
            // A template's scope slot: any entity may be linked in, so the test may go either way.
            return StaticType.AnyBool;
        }

        var right = TypeOf(binary.Right, capabilities).Type;
        switch (binary.Operator)
        {
            case BinaryOperator.Equal:
                return TypeOfEquals(binary, left, right);
            case BinaryOperator.NotEqual:
                return ((BoolType)TypeOfEquals(binary, left, right).Type).Not();
            case BinaryOperator.In:
                return TypeOfIn(binary, binary.Left, binary.Right, left, right);
            case BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual:
                return IsOrdered(left, right)
                    ? StaticType.AnyBool
                    : throw Error(binary, $"cannot compare {left} with {right}: both sides must be Long, datetime or duration");
            case BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply:
                return left is LongType
                    ? right is LongType ? StaticType.Long : throw Unexpected(binary.Right, right, "Long")
                    : throw Unexpected(binary.Left, left, "Long");
            case BinaryOperator.Contains:
                return left is SetOfType set
                    ? Comparable(binary, right, set.Element)
                    : throw Unexpected(binary.Left, left, "a set");
            case BinaryOperator.ContainsAll or BinaryOperator.ContainsAny:
                return (left, right) switch
                {
                    (SetOfType l, SetOfType r) => Comparable(binary, l.Element, r.Element),
                    (SetOfType, _) => throw Unexpected(binary.Right, right, "a set"),
                    _ => throw Unexpected(binary.Left, left, "a set"),
                };
            case BinaryOperator.HasTag or BinaryOperator.GetTag:
                if (left is not EntityType entity)
                {
                    throw Unexpected(binary.Left, left, "an entity");
                }

                if (right is not StringType)
                {
                    throw Unexpected(binary.Right, right, "String");
                }

                return binary.Operator == BinaryOperator.HasTag
                    ? TypeOfHasTag(binary, entity, capabilities)
                    : TypeOfGetTag(binary, entity, capabilities);
            default:
                throw Error(binary, $"unsupported operator {binary.Operator}");
        }
    }

    private static bool IsOrdered(StaticType left, StaticType right) => (left, right) switch
    {
        (LongType, LongType) => true,
        (ExtType l, ExtType r) => l.Name == r.Name && l.Name is ExtType.Datetime or ExtType.Duration,
        _ => false,
    };

    private static Typed Comparable(Expr expr, StaticType a, StaticType b) =>
        StaticType.Lub(a, b) is not null
            ? StaticType.AnyBool
            : throw Error(expr, $"{a} and {b} are incompatible types");

    private Typed TypeOfEquals(BinaryExpr binary, StaticType left, StaticType right)
    {
        if (Constant(binary.Left) is { } l && Constant(binary.Right) is { } r)
        {
            return l.Equals(r) ? StaticType.True : StaticType.False;
        }

        if (StaticType.Lub(left, right) is not null)
        {
            return StaticType.AnyBool;
        }

        return left is EntityType && right is EntityType
            ? StaticType.False
            : throw Error(binary, $"cannot compare {left} with {right} for equality: the types are incompatible");
    }

    private Typed TypeOfIn(Expr expr, Expr leftExpr, Expr rightExpr, StaticType left, StaticType right)
    {
        if (left is not EntityType member)
        {
            throw Unexpected(leftExpr, left, "an entity");
        }

        var action = Constant(leftExpr) is EntityUid uid && schema.IsAction(uid) ? uid : null;
        switch (right)
        {
            case EntityType group:
                if (action is not null && Constant(rightExpr) is EntityUid target)
                {
                    return schema.ActionIn(action, target) ? StaticType.True : StaticType.False;
                }

                return schema.MayDescend(member.Name, group.Name) ? StaticType.AnyBool : StaticType.False;
            case SetOfType { Element: EntityType group }:
                if (action is not null && ConstantEntities(rightExpr) is { } targets)
                {
                    return targets.Any(t => schema.ActionIn(action, t)) ? StaticType.True : StaticType.False;
                }

                return schema.MayDescend(member.Name, group.Name) ? StaticType.AnyBool : StaticType.False;
            default:
                throw Error(expr, $"the right side of `in` must be an entity or a set of entities, found {right}");
        }
    }

    private List<EntityUid>? ConstantEntities(Expr expr)
    {
        if (expr is not SetExpr set)
        {
            return null;
        }

        var result = new List<EntityUid>(set.Elements.Length);
        foreach (var element in set.Elements)
        {
            if (Constant(element) is not EntityUid uid)
            {
                return null;
            }

            result.Add(uid);
        }

        return result;
    }

    private Typed TypeOfHasTag(BinaryExpr binary, EntityType entity, Capabilities capabilities)
    {
        if (!schema.TryGetTags(entity.Name, out var tags))
        {
            return schema.IsActionType(entity.Name) ? StaticType.False : throw UnknownType(binary.Left, entity);
        }

        if (tags is null)
        {
            return StaticType.False;
        }

        var capability = new Capability(binary.Left, null, binary.Right);
        return capabilities.Contains(capability)
            ? StaticType.True
            : new Typed(StaticType.AnyBool, Capabilities.Of(capability));
    }

    private Typed TypeOfGetTag(BinaryExpr binary, EntityType entity, Capabilities capabilities)
    {
        if (!schema.TryGetTags(entity.Name, out var tags))
        {
            throw UnknownType(binary.Left, entity);
        }

        return tags is not null && capabilities.Contains(new Capability(binary.Left, null, binary.Right))
            ? tags
            : throw Error(binary, tags is null
                ? $"entities of type {entity} have no tags"
                : $"the tag may not exist: guard `getTag` with `hasTag` on the same entity and key");
    }

    private Typed TypeOfHasAttribute(HasAttributeExpr has, StaticType target, Capabilities capabilities)
    {
        switch (target)
        {
            case RecordOfType record:
                return HasAttributeIn(record, has, capabilities, knownToExist: true);
            case EntityType entity when schema.AttributesOf(entity.Name) is { } attributes:
                return HasAttributeIn(attributes, has, capabilities, knownToExist: false);
            case EntityType entity:
                return schema.IsActionType(entity.Name) ? StaticType.False : throw UnknownType(has.Target, entity);
            default:
                throw Unexpected(has.Target, target, "an entity or record");
        }
    }

    private static Typed HasAttributeIn(RecordOfType record, HasAttributeExpr has, Capabilities capabilities, bool knownToExist)
    {
        if (!record.Attributes.TryGetValue(has.Attribute, out var slot))
        {
            return StaticType.False;
        }

        var capability = new Capability(has.Target, has.Attribute, null);
        return capabilities.Contains(capability) || (slot.Required && knownToExist)
            ? StaticType.True
            : new Typed(StaticType.AnyBool, Capabilities.Of(capability));
    }

    private Typed TypeOfGetAttribute(GetAttributeExpr get, StaticType target, Capabilities capabilities)
    {
        var attributes = target switch
        {
            RecordOfType record => record,
            EntityType entity => schema.AttributesOf(entity.Name) ?? throw UnknownType(get.Target, entity),
            _ => throw Unexpected(get.Target, target, "an entity or record"),
        };

        if (!attributes.Attributes.TryGetValue(get.Attribute, out var slot))
        {
            throw Error(get, $"{target} has no attribute `{get.Attribute}`");
        }

        return slot.Required || capabilities.Contains(new Capability(get.Target, get.Attribute, null))
            ? slot.Type
            : throw Error(get, $"attribute `{get.Attribute}` of {target} is optional: guard the access with `has {get.Attribute}`");
    }

    private static TypeErrorException UnknownType(Expr expr, EntityType entity) =>
        Error(expr, $"entity type {entity} is not declared by the schema");
}
