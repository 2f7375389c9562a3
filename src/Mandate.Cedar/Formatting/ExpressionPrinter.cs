using System.Globalization;
using System.Text;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Formatting;

/// Prints expressions with the fewest parentheses that make the text parse back to the same tree.
internal static class ExpressionPrinter
{
    // Binding strength, loosest first, following the Cedar grammar.
    private const int Conditional = 0;
    private const int Disjunction = 1;
    private const int Conjunction = 2;
    private const int Relation = 3;
    private const int Sum = 4;
    private const int Product = 5;
    private const int Prefix = 6;
    private const int Access = 7;
    private const int Atom = 8;

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "true", "false", "if", "then", "else", "in", "is", "like", "has", "__cedar",
    };

    public static string Print(Expr expression) => Print(expression, Conditional);

    /// <summary>
    /// A chain of <c>&amp;&amp;</c> or <c>||</c> (along its left spine, as the operators associate) as its operator and
    /// its operands, each printed as it is inside the chain, so joining them with the operator prints the expression;
    /// null for any other expression.
    /// </summary>
    public static (string Operator, List<string> Operands)? Chain(Expr expression)
    {
        if (expression is not (AndExpr or OrExpr))
        {
            return null;
        }

        var and = expression is AndExpr;
        var operands = new List<string>();
        while (true)
        {
            var (left, right) = expression switch
            {
                AndExpr a when and => (a.Left, a.Right),
                OrExpr o when !and => (o.Left, o.Right),
                _ => (null, null),
            };
            if (left is null)
            {
                operands.Add(Print(expression, and ? Conjunction : Disjunction));
                operands.Reverse();
                return (and ? "&&" : "||", operands);
            }

            operands.Add(Print(right!, and ? Relation : Conjunction));
            expression = left;
        }
    }

    private static string Print(Expr expression, int context)
    {
        var text = new StringBuilder();
        Append(text, expression, context);
        return text.ToString();
    }

    internal static bool IsPlainIdentifier(string name) =>
        name.Length > 0
        && (name[0] == '_' || char.IsAsciiLetter(name[0]))
        && name.All(c => c == '_' || char.IsAsciiLetterOrDigit(c))
        && !Reserved.Contains(name);

    private static int StrengthOf(Expr expression) => expression switch
    {
        IfExpr => Conditional,
        OrExpr => Disjunction,
        AndExpr => Conjunction,
        BinaryExpr { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => Sum,
        BinaryExpr { Operator: BinaryOperator.Multiply } => Product,
        BinaryExpr { Operator: BinaryOperator.Contains or BinaryOperator.ContainsAll or BinaryOperator.ContainsAny or BinaryOperator.GetTag or BinaryOperator.HasTag } => Access,
        BinaryExpr or HasAttributeExpr or LikeExpr or IsExpr => Relation,
        UnaryExpr { Operator: UnaryOperator.IsEmpty } => Access,
        UnaryExpr => Prefix,
        GetAttributeExpr => Access,
        ExtensionCallExpr { IsMethodStyle: true } => Access,
        _ => Atom,
    };

    private static void Append(StringBuilder text, Expr expression, int context)
    {
        var parenthesize = StrengthOf(expression) < context;
        if (parenthesize)
        {
            text.Append('(');
        }

        AppendBare(text, expression);
        if (parenthesize)
        {
            text.Append(')');
        }
    }

    private static void AppendBare(StringBuilder text, Expr expression)
    {
        switch (expression)
        {
            case LiteralExpr literal:
                AppendLiteral(text, literal.Value);
                break;
            case VariableExpr variable:
                text.Append(variable.Variable.ToString().ToLowerInvariant());
                break;
            case SlotExpr slot:
                text.Append(slot.Slot == SlotId.Principal ? "?principal" : "?resource");
                break;
            case IfExpr conditional:
                text.Append("if ");
                Append(text, conditional.Condition, Conditional);
                text.Append(" then ");
                Append(text, conditional.Then, Conditional);
                text.Append(" else ");
                Append(text, conditional.Else, Conditional);
                break;
            case OrExpr or:
                Append(text, or.Left, Disjunction);
                text.Append(" || ");
                Append(text, or.Right, Conjunction);
                break;
            case AndExpr and:
                Append(text, and.Left, Conjunction);
                text.Append(" && ");
                Append(text, and.Right, Relation);
                break;
            case UnaryExpr unary:
                AppendUnary(text, unary);
                break;
            case BinaryExpr binary:
                AppendBinary(text, binary);
                break;
            case GetAttributeExpr get:
                Append(text, get.Target, Access);
                if (IsPlainIdentifier(get.Attribute))
                {
                    text.Append('.').Append(get.Attribute);
                }
                else
                {
                    text.Append('[').Append(CedarText.Quote(get.Attribute)).Append(']');
                }

                break;
            case HasAttributeExpr has:
                Append(text, has.Target, Sum);
                text.Append(" has ").Append(IsPlainIdentifier(has.Attribute) ? has.Attribute : CedarText.Quote(has.Attribute));
                break;
            case LikeExpr like:
                Append(text, like.Target, Sum);
                text.Append(" like \"").Append(like.Pattern).Append('"');
                break;
            case IsExpr test:
                Append(text, test.Target, Sum);
                text.Append(" is ").Append(test.EntityType.FullName);
                if (test.In is not null)
                {
                    text.Append(" in ");
                    Append(text, test.In, Sum);
                }

                break;
            case SetExpr set:
                text.Append('[');
                AppendList(text, set.Elements);
                text.Append(']');
                break;
            case RecordExpr record:
                AppendRecord(text, record);
                break;
            case ExtensionCallExpr call:
                AppendCall(text, call);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(expression), expression.GetType().Name, "unknown expression kind");
        }
    }

    private static void AppendLiteral(StringBuilder text, CedarValue value)
    {
        switch (value)
        {
            case StringValue s:
                text.Append(CedarText.Quote(s.Value));
                break;
            case LongValue l:
                text.Append(l.Value.ToString(CultureInfo.InvariantCulture));
                break;
            default:
                text.Append(value);
                break;
        }
    }

    private static void AppendUnary(StringBuilder text, UnaryExpr unary)
    {
        if (unary.Operator == UnaryOperator.IsEmpty)
        {
            Append(text, unary.Operand, Access);
            text.Append(".isEmpty()");
            return;
        }

        text.Append(unary.Operator == UnaryOperator.Not ? '!' : '-');
        var operand = new StringBuilder();
        Append(operand, unary.Operand, Prefix);

        // A minus before digits would fold into the literal; keep the negation a separate node.
        var folds = unary.Operator == UnaryOperator.Negate && operand.Length > 0 && (char.IsAsciiDigit(operand[0]) || operand[0] == '-');
        text.Append(folds ? $"({operand})" : operand.ToString());
    }

    private static void AppendBinary(StringBuilder text, BinaryExpr binary)
    {
        var method = binary.Operator switch
        {
            BinaryOperator.Contains => "contains",
            BinaryOperator.ContainsAll => "containsAll",
            BinaryOperator.ContainsAny => "containsAny",
            BinaryOperator.GetTag => "getTag",
            BinaryOperator.HasTag => "hasTag",
            _ => null,
        };
        if (method is not null)
        {
            Append(text, binary.Left, Access);
            text.Append('.').Append(method).Append('(');
            Append(text, binary.Right, Conditional);
            text.Append(')');
            return;
        }

        var (symbol, strength) = binary.Operator switch
        {
            BinaryOperator.Equal => ("==", Relation),
            BinaryOperator.NotEqual => ("!=", Relation),
            BinaryOperator.Less => ("<", Relation),
            BinaryOperator.LessOrEqual => ("<=", Relation),
            BinaryOperator.Greater => (">", Relation),
            BinaryOperator.GreaterOrEqual => (">=", Relation),
            BinaryOperator.In => ("in", Relation),
            BinaryOperator.Add => ("+", Sum),
            BinaryOperator.Subtract => ("-", Sum),
            BinaryOperator.Multiply => ("*", Product),
            _ => throw new ArgumentOutOfRangeException(nameof(binary), binary.Operator, "unknown binary operator"),
        };

        // Relations do not chain; sums and products associate to the left.
        Append(text, binary.Left, strength == Relation ? Sum : strength);
        text.Append(' ').Append(symbol).Append(' ');
        Append(text, binary.Right, strength + 1);
    }

    private static void AppendCall(StringBuilder text, ExtensionCallExpr call)
    {
        if (call.IsMethodStyle && call.Arguments.Length > 0)
        {
            Append(text, call.Arguments[0], Access);
            text.Append('.').Append(call.Function.FullName).Append('(');
            AppendList(text, call.Arguments.Skip(1));
            text.Append(')');
            return;
        }

        text.Append(call.Function.FullName).Append('(');
        AppendList(text, call.Arguments);
        text.Append(')');
    }

    private static void AppendRecord(StringBuilder text, RecordExpr record)
    {
        text.Append('{');
        var first = true;
        foreach (var (key, value) in record.Fields)
        {
            text.Append(first ? string.Empty : ", ");
            text.Append(IsPlainIdentifier(key) ? key : CedarText.Quote(key)).Append(": ");
            Append(text, value, Conditional);
            first = false;
        }

        text.Append('}');
    }

    private static void AppendList(StringBuilder text, IEnumerable<Expr> items)
    {
        var first = true;
        foreach (var item in items)
        {
            text.Append(first ? string.Empty : ", ");
            Append(text, item, Conditional);
            first = false;
        }
    }
}
