using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>
/// An expression turned into a delegate tree. It returns null when evaluation fails, with the reason in
/// <see cref="Evaluator.Error"/>: failures propagate up the tree without exceptions.
/// </summary>
internal delegate CedarValue? CompiledExpression(Evaluator evaluator);

/// <summary>
/// Compiles expressions to <see cref="CompiledExpression"/> delegates once, so each request skips the
/// dispatch over node types. The delegates fix the order of evaluation and short-circuiting and call the
/// evaluator's operator implementations, which hold the semantics.
/// </summary>
/// <remarks>
/// Over a large policy set a policy's delegates are cold when a request reaches it, and each delegate is a
/// dependent memory load, so the commonest shapes get one delegate instead of a chain: an attribute of
/// <c>principal</c>, <c>resource</c> or <c>context</c>, and an operator whose right operand is a literal
/// (which has nothing to evaluate and cannot fail, so reading it in place keeps the order of evaluation).
/// </remarks>
internal static class ExpressionCompiler
{
    public static CompiledExpression Compile(Expr expr) => Compile(expr, null);

    /// <summary>
    /// Compiles <paramref name="expr"/>, reusing from <paramref name="shared"/> (keyed by
    /// <see cref="ExprShape"/>) the delegate of any subexpression compiled before and adding its own. A
    /// policy set compiled with one table holds one delegate tree per distinct subexpression: policies stamped from
    /// the same pattern differ in a literal or two, so most of a cold policy's tree is already in cache when a request
    /// reaches it, and the set takes a fraction of the memory.
    /// </summary>
    public static CompiledExpression Compile(Expr expr, Dictionary<Expr, CompiledExpression>? shared)
    {
        if (shared is null)
        {
            return Build(expr, null);
        }

        if (!shared.TryGetValue(expr, out var compiled))
        {
            shared[expr] = compiled = Build(expr, shared);
        }

        return compiled;
    }

    private static CompiledExpression Build(Expr expr, Dictionary<Expr, CompiledExpression>? shared) => expr switch
    {
        LiteralExpr literal => Constant(literal.Value),
        VariableExpr variable => Variable(variable.Variable),
        AndExpr and => And(Compile(and.Left, shared), Compile(and.Right, shared)),
        OrExpr or => Or(Compile(or.Left, shared), Compile(or.Right, shared)),
        IfExpr conditional => If(Compile(conditional.Condition, shared), Compile(conditional.Then, shared), Compile(conditional.Else, shared)),
        UnaryExpr unary => Unary(unary.Operator, Compile(unary.Operand, shared)),
        BinaryExpr { Right: LiteralExpr literal } binary => Binary(binary.Operator, Compile(binary.Left, shared), literal.Value),
        BinaryExpr binary => Binary(binary.Operator, Compile(binary.Left, shared), Compile(binary.Right, shared)),
        GetAttributeExpr { Target: VariableExpr variable } get => GetAttribute(variable.Variable, AttributeName(get.Attribute)),
        GetAttributeExpr get => GetAttribute(Compile(get.Target, shared), AttributeName(get.Attribute)),
        HasAttributeExpr has => HasAttribute(Compile(has.Target, shared), AttributeName(has.Attribute)),
        LikeExpr like => Like(Compile(like.Target, shared), like.Pattern),
        IsExpr isExpr => Is(Compile(isExpr.Target, shared), isExpr.EntityType, isExpr.In is null ? null : Compile(isExpr.In, shared)),
        SetExpr set => Set([.. set.Elements.Select(e => Compile(e, shared))]),
        RecordExpr record => Record([.. record.Fields.Select(f => f.Key)], [.. record.Fields.Select(f => Compile(f.Value, shared))]),
        ExtensionCallExpr call => ExtensionCall(call.Function.FullName, [.. call.Arguments.Select(e => Compile(e, shared))]),
        SlotExpr slot => Fail($"template slot `{Policy.SlotText(slot.Slot)}` has no value"),
        _ => Fail("unsupported expression"),
    };

    // The runtime's own instance of an attribute name. Records are searched by comparing names, and a comparison stops at
    // the first step when both sides are one instance: the names of a context or an entity come from the same pool when
    // its reader finds them there (string literals are in it, and so are names a policy asks for, once compiled), so
    // reading an attribute does not compare its characters. Policy names are few, so the pool stays small.
    private static string AttributeName(string name) => string.Intern(name);

    private static CompiledExpression Constant(CedarValue value) => _ => value;

    private static CompiledExpression Fail(string message) => e => e.Fail(message);

    private static CompiledExpression Variable(Variable variable) => variable switch
    {
        Ast.Variable.Principal => e => e.Request.Principal,
        Ast.Variable.Action => e => e.Request.Action,
        Ast.Variable.Resource => e => e.Request.Resource,
        _ => e => e.Request.Context,
    };

    /// <summary>Evaluates a boolean operand: null (with the evaluator's error set) when it fails or is not a boolean.</summary>
    internal static BoolValue? Boolean(Evaluator e, CompiledExpression operand)
    {
        var value = operand(e);
        if (value is BoolValue b)
        {
            return b;
        }

        if (value is not null)
        {
            e.TypeError("a boolean", value);
        }

        return null;
    }

    private static CompiledExpression And(CompiledExpression left, CompiledExpression right) => e =>
        Boolean(e, left) switch
        {
            null => null,
            { Value: false } => BoolValue.False,
            _ => Boolean(e, right),
        };

    private static CompiledExpression Or(CompiledExpression left, CompiledExpression right) => e =>
        Boolean(e, left) switch
        {
            null => null,
            { Value: true } => BoolValue.True,
            _ => Boolean(e, right),
        };

    private static CompiledExpression If(CompiledExpression condition, CompiledExpression then, CompiledExpression otherwise) => e =>
        Boolean(e, condition) switch
        {
            null => null,
            { Value: true } => then(e),
            _ => otherwise(e),
        };

    private static CompiledExpression Unary(UnaryOperator op, CompiledExpression operand) => op switch
    {
        UnaryOperator.Not => e => Boolean(e, operand) is { } b ? BoolValue.Of(!b.Value) : null,
        UnaryOperator.Negate => e => operand(e) is { } value ? e.Negate(value) : null,
        _ => e => operand(e) switch
        {
            null => null,
            SetValue set => BoolValue.Of(set.Count == 0),
            var other => e.TypeError("a set", other),
        },
    };

    private static CompiledExpression Binary(BinaryOperator op, CompiledExpression left, CompiledExpression right) => op switch
    {
        BinaryOperator.Equal => e => left(e) is { } l && right(e) is { } r ? BoolValue.Of(l.Equals(r)) : null,
        BinaryOperator.NotEqual => e => left(e) is { } l && right(e) is { } r ? BoolValue.Of(!l.Equals(r)) : null,
        _ => e => left(e) is { } l && right(e) is { } r ? e.EvaluateBinary(op, l, r) : null,
    };

    private static CompiledExpression Binary(BinaryOperator op, CompiledExpression left, CedarValue right) => op switch
    {
        BinaryOperator.Equal => e => left(e) is { } l ? BoolValue.Of(l.Equals(right)) : null,
        BinaryOperator.NotEqual => e => left(e) is { } l ? BoolValue.Of(!l.Equals(right)) : null,
        _ => e => left(e) is { } l ? e.EvaluateBinary(op, l, right) : null,
    };

    private static CompiledExpression GetAttribute(Variable variable, string attribute) => variable switch
    {
        Ast.Variable.Principal => e => e.GetAttribute(e.Request.Principal, attribute),
        Ast.Variable.Action => e => e.GetAttribute(e.Request.Action, attribute),
        Ast.Variable.Resource => e => e.GetAttribute(e.Request.Resource, attribute),
        _ => e => e.GetAttribute(e.Request.Context, attribute),
    };

    private static CompiledExpression GetAttribute(CompiledExpression target, string attribute) =>
        e => target(e) is { } value ? e.GetAttribute(value, attribute) : null;

    private static CompiledExpression HasAttribute(CompiledExpression target, string attribute) =>
        e => target(e) is { } value ? e.HasAttribute(value, attribute) : null;

    private static CompiledExpression Like(CompiledExpression target, Pattern pattern) => e => target(e) switch
    {
        null => null,
        StringValue text => BoolValue.Of(pattern.IsMatch(text.Value)),
        var other => e.TypeError("a string", other),
    };

    private static CompiledExpression Is(CompiledExpression target, Name entityType, CompiledExpression? container) => e =>
    {
        // `x is T in c` means `x is T && x in c`: the container is evaluated only when the type matches.
        switch (target(e))
        {
            case null:
                return null;
            case EntityUid uid when !uid.EntityType.Equals(entityType):
                return BoolValue.False;
            case EntityUid uid:
                return container is null ? BoolValue.True : container(e) is { } c ? e.EvaluateBinary(BinaryOperator.In, uid, c) : null;
            case var other:
                return e.TypeError("an entity", other);
        }
    };

    private static CompiledExpression Set(CompiledExpression[] elements) => e =>
    {
        var values = Evaluate(e, elements);
        return values is null ? null : new SetValue(values);
    };

    private static CompiledExpression Record(string[] keys, CompiledExpression[] values) => e =>
    {
        var evaluated = Evaluate(e, values);
        if (evaluated is null)
        {
            return null;
        }

        var fields = new KeyValuePair<string, CedarValue>[keys.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = new(keys[i], evaluated[i]);
        }

        return new RecordValue(fields);
    };

    // The function is resolved here, once. One and two arguments (every Cedar extension function) are passed on
    // the stack, so calls do not allocate. An unknown name fails when called, after its arguments are evaluated.
    private static CompiledExpression ExtensionCall(string name, CompiledExpression[] arguments)
    {
        if (Evaluator.FindExtension(name) is not { } function)
        {
            return e => Evaluate(e, arguments) is { } values ? e.ExtensionCall(name, values) : null;
        }

        return arguments.Length switch
        {
            1 => ExtensionCall(function, arguments[0]),
            2 => ExtensionCall(function, arguments[0], arguments[1]),
            _ => e => Evaluate(e, arguments) is { } values ? e.ExtensionCall(function, values) : null,
        };
    }

    private static CompiledExpression ExtensionCall(Evaluator.ExtensionFunction function, CompiledExpression argument) =>
        e => argument(e) is { } value ? e.ExtensionCall(function, new ReadOnlySpan<CedarValue>(in value)) : null;

    private static CompiledExpression ExtensionCall(Evaluator.ExtensionFunction function, CompiledExpression first, CompiledExpression second) => e =>
    {
        if (first(e) is not { } a || second(e) is not { } b)
        {
            return null;
        }

        var pair = default(ValuePair);
        pair[0] = a;
        pair[1] = b;
        return e.ExtensionCall(function, pair);
    };

    [System.Runtime.CompilerServices.InlineArray(2)]
    private struct ValuePair
    {
        private CedarValue _first;
    }

    private static CedarValue[]? Evaluate(Evaluator e, CompiledExpression[] expressions)
    {
        var values = new CedarValue[expressions.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (expressions[i](e) is not { } value)
            {
                return null;
            }

            values[i] = value;
        }

        return values;
    }
}
