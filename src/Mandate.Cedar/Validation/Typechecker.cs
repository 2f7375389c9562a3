using Mandate.Cedar.Ast;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Validation;

/// <summary>A type error at a place in the policy source.</summary>
internal sealed class TypeErrorException(SourceLocation location, string message) : Exception(message)
{
    public SourceLocation Location { get; } = location;
}

/// <summary>An expression's type together with the capabilities it establishes when it evaluates to true.</summary>
internal readonly record struct Typed(StaticType Type, Capabilities Capabilities)
{
    public static implicit operator Typed(StaticType type) => new(type, Capabilities.None);
}

/// <summary>
/// Cedar's strict type checker for one request environment. Booleans are tracked as true, false or either so
/// that short-circuiting skips what can never run; guards (<c>has</c>, <c>hasTag</c>) grant capabilities that
/// make optional attributes and tags readable; the <c>action</c> variable is the environment's action.
/// </summary>
internal sealed partial class Typechecker(SchemaFacts schema, RequestEnvironment environment)
{
    public Typed TypeOf(Expr expr, Capabilities capabilities) => expr switch
    {
        LiteralExpr literal => TypeOfLiteral(literal),
        VariableExpr variable => TypeOfVariable(variable.Variable),
        SlotExpr slot => throw Error(slot, $"template slot `{Policy.SlotText(slot.Slot)}` cannot be used in a condition"),
        IfExpr conditional => TypeOfIf(conditional, capabilities),
        AndExpr and => TypeOfAnd(and, capabilities),
        OrExpr or => TypeOfOr(or, capabilities),
        UnaryExpr unary => TypeOfUnary(unary, TypeOf(unary.Operand, capabilities).Type),
        BinaryExpr binary => TypeOfBinary(binary, capabilities),
        GetAttributeExpr get => TypeOfGetAttribute(get, TypeOf(get.Target, capabilities).Type, capabilities),
        HasAttributeExpr has => TypeOfHasAttribute(has, TypeOf(has.Target, capabilities).Type, capabilities),
        LikeExpr like => TypeOf(like.Target, capabilities).Type is StringType
            ? StaticType.AnyBool
            : throw Unexpected(like.Target, TypeOf(like.Target, capabilities).Type, "String"),
        IsExpr isExpr => TypeOfIs(isExpr, capabilities),
        SetExpr set => TypeOfSet(set, capabilities),
        RecordExpr record => TypeOfRecord(record, capabilities),
        ExtensionCallExpr call => TypeOfCall(call, capabilities),
        _ => throw Error(expr, "unsupported expression"),
    };

    private Typed TypeOfLiteral(LiteralExpr literal) => literal.Value switch
    {
        BoolValue b => b.Value ? StaticType.True : StaticType.False,
        LongValue => StaticType.Long,
        StringValue => StaticType.String,
        EntityUid uid when schema.IsValidEntity(uid) || schema.IsAction(uid) => new EntityType(uid.EntityType.FullName),
        EntityUid uid => throw UnknownEntity(literal, uid),
        var other => throw Error(literal, $"unexpected literal `{other}`"),
    };

    private Typed TypeOfVariable(Variable variable) => variable switch
    {
        Variable.Principal => new EntityType(environment.Principal),
        Variable.Action => new EntityType(environment.Action.EntityType.FullName),
        Variable.Resource => new EntityType(environment.Resource),
        _ => environment.Context,
    };

    private Typed TypeOfIf(IfExpr conditional, Capabilities capabilities)
    {
        var condition = TypeOf(conditional.Condition, capabilities);
        switch (condition.Type)
        {
            case BoolType { Kind: BoolKind.True }:
                var then = TypeOf(conditional.Then, capabilities.Union(condition.Capabilities));
                return then with { Capabilities = condition.Capabilities.Union(then.Capabilities) };
            case BoolType { Kind: BoolKind.False }:
                return TypeOf(conditional.Else, capabilities);
            case BoolType:
                var yes = TypeOf(conditional.Then, capabilities.Union(condition.Capabilities));
                var no = TypeOf(conditional.Else, capabilities);
                return StaticType.Lub(yes.Type, no.Type) is { } joined
                    ? new Typed(joined, condition.Capabilities.Union(yes.Capabilities).Intersect(no.Capabilities))
                    : throw Error(conditional, $"the branches of `if` have incompatible types {yes.Type} and {no.Type}");
            default:
                throw Unexpected(conditional.Condition, condition.Type, "Bool");
        }
    }

    private Typed TypeOfAnd(AndExpr and, Capabilities capabilities)
    {
        var left = TypeOf(and.Left, capabilities);
        return TypeOfAnd(left, and.Left, and.Right, () => TypeOf(and.Right, capabilities.Union(left.Capabilities)));
    }

    // `left && right`, where the right side is typed only when the left can be true.
    private static Typed TypeOfAnd(Typed left, Expr leftExpr, Expr rightExpr, Func<Typed> typeRight)
    {
        if (left.Type is not BoolType leftBool)
        {
            throw Unexpected(leftExpr, left.Type, "Bool");
        }

        if (leftBool.Kind == BoolKind.False)
        {
            return StaticType.False;
        }

        var right = typeRight();
        return right.Type switch
        {
            BoolType { Kind: BoolKind.False } => StaticType.False,
            BoolType { Kind: BoolKind.True } => new Typed(leftBool, left.Capabilities.Union(right.Capabilities)),
            BoolType => new Typed(StaticType.AnyBool, left.Capabilities.Union(right.Capabilities)),
            _ => throw Unexpected(rightExpr, right.Type, "Bool"),
        };
    }

    private Typed TypeOfOr(OrExpr or, Capabilities capabilities)
    {
        var left = TypeOf(or.Left, capabilities);
        switch (left.Type)
        {
            case BoolType { Kind: BoolKind.True }:
                return StaticType.True;
            case BoolType { Kind: BoolKind.False }:
                var only = TypeOf(or.Right, capabilities);
                return only.Type is BoolType ? only : throw Unexpected(or.Right, only.Type, "Bool");
            case BoolType:
                var right = TypeOf(or.Right, capabilities);
                return right.Type switch
                {
                    BoolType { Kind: BoolKind.True } => StaticType.True,
                    BoolType { Kind: BoolKind.False } => new Typed(StaticType.AnyBool, left.Capabilities),
                    BoolType => new Typed(StaticType.AnyBool, left.Capabilities.Intersect(right.Capabilities)),
                    _ => throw Unexpected(or.Right, right.Type, "Bool"),
                };
            default:
                throw Unexpected(or.Left, left.Type, "Bool");
        }
    }

    private static Typed TypeOfUnary(UnaryExpr unary, StaticType operand) => (unary.Operator, operand) switch
    {
        (UnaryOperator.Not, BoolType b) => b.Not(),
        (UnaryOperator.Not, _) => throw Unexpected(unary.Operand, operand, "Bool"),
        (UnaryOperator.Negate, LongType) => StaticType.Long,
        (UnaryOperator.Negate, _) => throw Unexpected(unary.Operand, operand, "Long"),
        (_, SetOfType) => StaticType.AnyBool,
        _ => throw Unexpected(unary.Operand, operand, "a set"),
    };

    private Typed TypeOfIs(IsExpr isExpr, Capabilities capabilities)
    {
        var target = TypeOf(isExpr.Target, capabilities).Type;
        if (target is not EntityType entity)
        {
            throw Unexpected(isExpr.Target, target, "an entity");
        }

        Typed test = entity.Name == isExpr.EntityType.FullName ? StaticType.True : StaticType.False;
        return isExpr.In is null
            ? test
            : TypeOfAnd(test, isExpr, isExpr.In, () => TypeOfIn(isExpr, isExpr.Target, isExpr.In, target, TypeOf(isExpr.In, capabilities).Type));
    }

    private Typed TypeOfSet(SetExpr set, Capabilities capabilities)
    {
        if (set.Elements.IsEmpty)
        {
            throw Error(set, "the type of an empty set literal cannot be determined");
        }

        StaticType? element = null;
        foreach (var item in set.Elements)
        {
            var type = TypeOf(item, capabilities).Type;
            element = element is null ? type : StaticType.Lub(element, type)
                ?? throw Error(item, $"set elements have incompatible types {element} and {type}");
        }

        return new SetOfType(element!);
    }

    private Typed TypeOfRecord(RecordExpr record, Capabilities capabilities)
    {
        var builder = System.Collections.Immutable.ImmutableSortedDictionary.CreateBuilder<string, AttributeSlot>(StringComparer.Ordinal);
        foreach (var (name, value) in record.Fields)
        {
            builder[name] = new AttributeSlot(TypeOf(value, capabilities).Type, Required: true);
        }

        return new RecordOfType(builder.ToImmutable());
    }

    // The value of an expression known before any request: a literal; `action`, which each environment fixes;
    // or `&&`/`||` of two such booleans, which Cedar reduces to a literal when it builds the policy.
    private CedarValue? Constant(Expr expr) => expr switch
    {
        LiteralExpr literal => literal.Value,
        VariableExpr { Variable: Variable.Action } => environment.Action,
        AndExpr both when Constant(both.Left) is BoolValue l && Constant(both.Right) is BoolValue r => BoolValue.Of(l.Value && r.Value),
        OrExpr either when Constant(either.Left) is BoolValue l && Constant(either.Right) is BoolValue r => BoolValue.Of(l.Value || r.Value),
        _ => null,
    };

    private static TypeErrorException Error(Expr expr, string message) => new(expr.Location, message);

    private static TypeErrorException Unexpected(Expr expr, StaticType found, string expected) =>
        Error(expr, $"expected {ArticleFor(expected)}, found {found}");

    private static string ArticleFor(string expected) => expected switch
    {
        "Bool" => "a boolean",
        "Long" => "a Long",
        "String" => "a String",
        _ => expected,
    };

    private static TypeErrorException UnknownEntity(Expr expr, EntityUid uid) =>
        Error(expr, $"`{uid}` is not declared by the schema (unknown entity type, action or enumerated id)");
}
