using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>An expression turned into a delegate tree: evaluating it is a chain of direct calls.</summary>
internal delegate CedarValue CompiledExpression(Evaluator evaluator);

/// <summary>
/// Compiles expressions to <see cref="CompiledExpression"/> delegates once, so each request skips the
/// dispatch over node types. The delegates call the evaluator's operator implementations, which hold the
/// semantics; this class only wires them together (order of evaluation and short-circuiting included).
/// </summary>
internal static class ExpressionCompiler
{
    public static CompiledExpression Compile(Expr expr) => expr switch
    {
        LiteralExpr literal => Constant(literal.Value),
        VariableExpr variable => Variable(variable.Variable),
        AndExpr and => And(Compile(and.Left), Compile(and.Right)),
        OrExpr or => Or(Compile(or.Left), Compile(or.Right)),
        IfExpr conditional => If(Compile(conditional.Condition), Compile(conditional.Then), Compile(conditional.Else)),
        UnaryExpr unary => Unary(unary.Operator, Compile(unary.Operand)),
        BinaryExpr binary => Binary(binary.Operator, Compile(binary.Left), Compile(binary.Right)),
        GetAttributeExpr get => GetAttribute(Compile(get.Target), get.Attribute),
        HasAttributeExpr has => HasAttribute(Compile(has.Target), has.Attribute),
        LikeExpr like => Like(Compile(like.Target), like.Pattern),
        IsExpr isExpr => Is(Compile(isExpr.Target), isExpr.EntityType, isExpr.In is null ? null : Compile(isExpr.In)),
        SetExpr set => Set([.. set.Elements.Select(Compile)]),
        RecordExpr record => Record([.. record.Fields.Select(f => f.Key)], [.. record.Fields.Select(f => Compile(f.Value))]),
        ExtensionCallExpr call => ExtensionCall(call.Function.FullName, [.. call.Arguments.Select(Compile)]),
        SlotExpr slot => Fail($"template slot `{Policy.SlotText(slot.Slot)}` has no value"),
        _ => Fail("unsupported expression"),
    };

    private static CompiledExpression Constant(CedarValue value) => _ => value;

    private static CompiledExpression Fail(string message) => _ => throw new EvaluationException(message);

    private static CompiledExpression Variable(Variable variable) => variable switch
    {
        Ast.Variable.Principal => e => e.Request.Principal,
        Ast.Variable.Action => e => e.Request.Action,
        Ast.Variable.Resource => e => e.Request.Resource,
        _ => e => e.Request.Context,
    };

    private static CompiledExpression And(CompiledExpression left, CompiledExpression right) =>
        e => Evaluator.AsBool(left(e)) ? BoolValue.Of(Evaluator.AsBool(right(e))) : BoolValue.False;

    private static CompiledExpression Or(CompiledExpression left, CompiledExpression right) =>
        e => Evaluator.AsBool(left(e)) ? BoolValue.True : BoolValue.Of(Evaluator.AsBool(right(e)));

    private static CompiledExpression If(CompiledExpression condition, CompiledExpression then, CompiledExpression otherwise) =>
        e => Evaluator.AsBool(condition(e)) ? then(e) : otherwise(e);

    private static CompiledExpression Unary(UnaryOperator op, CompiledExpression operand) => op switch
    {
        UnaryOperator.Not => e => BoolValue.Of(!Evaluator.AsBool(operand(e))),
        UnaryOperator.Negate => e => Evaluator.Negate(operand(e)),
        _ => e => BoolValue.Of(Evaluator.AsSet(operand(e)).Count == 0),
    };

    private static CompiledExpression Binary(BinaryOperator op, CompiledExpression left, CompiledExpression right) => op switch
    {
        BinaryOperator.Equal => e => BoolValue.Of(left(e).Equals(right(e))),
        BinaryOperator.NotEqual => e => BoolValue.Of(!left(e).Equals(right(e))),
        _ => e => e.EvaluateBinary(op, left(e), right(e)),
    };

    private static CompiledExpression GetAttribute(CompiledExpression target, string attribute) =>
        e => e.GetAttribute(target(e), attribute);

    private static CompiledExpression HasAttribute(CompiledExpression target, string attribute) =>
        e => BoolValue.Of(e.HasAttribute(target(e), attribute));

    private static CompiledExpression Like(CompiledExpression target, Pattern pattern) =>
        e => BoolValue.Of(pattern.IsMatch(Evaluator.AsString(target(e))));

    private static CompiledExpression Is(CompiledExpression target, Name entityType, CompiledExpression? container) => e =>
    {
        // `e is T in c` means `e is T && e in c`: the container is evaluated only when the type matches.
        var uid = Evaluator.AsEntity(target(e));
        if (!uid.EntityType.Equals(entityType))
        {
            return BoolValue.False;
        }

        return container is null ? BoolValue.True : e.EvaluateBinary(BinaryOperator.In, uid, container(e));
    };

    private static CompiledExpression Set(CompiledExpression[] elements) => e =>
    {
        var values = new CedarValue[elements.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = elements[i](e);
        }

        return new SetValue(values);
    };

    private static CompiledExpression Record(string[] keys, CompiledExpression[] values) => e =>
    {
        var fields = new KeyValuePair<string, CedarValue>[keys.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = new(keys[i], values[i](e));
        }

        return new RecordValue(fields);
    };

    private static CompiledExpression ExtensionCall(string function, CompiledExpression[] arguments) => e =>
    {
        var values = new CedarValue[arguments.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = arguments[i](e);
        }

        return Evaluator.ExtensionCall(function, values);
    };
}
