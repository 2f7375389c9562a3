using System.Globalization;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Syntax;

internal sealed partial class Parser
{
    public Expr ParseExpression()
    {
        Enter();
        try
        {
            var start = Current.Location;
            if (AcceptKeyword("if"))
            {
                var condition = ParseExpression();
                ExpectKeyword("then");
                var then = ParseExpression();
                ExpectKeyword("else");
                var @else = ParseExpression();
                return Checked(new IfExpr(condition, then, @else) { Location = start });
            }

            return ParseOr();
        }
        finally
        {
            Leave();
        }
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.Kind == TokenKind.Or)
        {
            Advance();
            left = Checked(new OrExpr(left, ParseAnd()) { Location = left.Location });
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseRelation();
        while (Current.Kind == TokenKind.And)
        {
            Advance();
            left = Checked(new AndExpr(left, ParseRelation()) { Location = left.Location });
        }

        return left;
    }

    private Expr ParseRelation()
    {
        var left = ParseAdditive();
        BinaryOperator? op = Current.Kind switch
        {
            TokenKind.Equal => BinaryOperator.Equal,
            TokenKind.NotEqual => BinaryOperator.NotEqual,
            TokenKind.Less => BinaryOperator.Less,
            TokenKind.LessOrEqual => BinaryOperator.LessOrEqual,
            TokenKind.Greater => BinaryOperator.Greater,
            TokenKind.GreaterOrEqual => BinaryOperator.GreaterOrEqual,
            TokenKind.Identifier when Current.Text == "in" => BinaryOperator.In,
            _ => null,
        };
        if (op is { } binary)
        {
            Advance();
            return Checked(new BinaryExpr(binary, left, ParseAdditive()) { Location = left.Location });
        }

        if (AcceptKeyword("has"))
        {
            return ParseHas(left);
        }

        if (AcceptKeyword("like"))
        {
            var token = Expect(TokenKind.String, "a pattern string after `like`");
            return Checked(new LikeExpr(left, StringEscapes.UnescapePattern(token.Text, token.Location)) { Location = left.Location });
        }

        if (AcceptKeyword("is"))
        {
            var type = ReadName("an entity type after `is`");
            Expr? inExpr = AcceptKeyword("in") ? ParseAdditive() : null;
            return Checked(new IsExpr(left, type, inExpr) { Location = left.Location });
        }

        if (Current.Kind == TokenKind.Assign)
        {
            throw Error("`=` is not an operator: use `==` to compare");
        }

        return left;
    }

    private Expr ParseHas(Expr target)
    {
        if (Current.Kind == TokenKind.String)
        {
            return Checked(new HasAttributeExpr(target, ReadString("an attribute name")) { Location = target.Location });
        }

        if (Current.Kind != TokenKind.Identifier)
        {
            throw Error($"expected an attribute name after `has`, found {Current.Describe()}");
        }

        // `e has a.b.c` means `e has a && e.a has b && e.a.b has c`.
        RefuseReservedAttribute(Current);
        var path = new List<string> { Advance().Text };
        while (Current.Kind == TokenKind.Dot && PeekAhead(1).Kind == TokenKind.Identifier)
        {
            Advance();
            RefuseReservedAttribute(Current);
            path.Add(Advance().Text);
        }

        Expr result = Checked(new HasAttributeExpr(target, path[0]) { Location = target.Location });
        Expr prefix = target;
        for (var i = 1; i < path.Count; i++)
        {
            prefix = Checked(new GetAttributeExpr(prefix, path[i - 1]) { Location = target.Location });
            var test = Checked(new HasAttributeExpr(prefix, path[i]) { Location = target.Location });
            result = Checked(new AndExpr(result, test) { Location = target.Location });
        }

        return result;
    }

    private Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Advance().Kind == TokenKind.Plus ? BinaryOperator.Add : BinaryOperator.Subtract;
            left = Checked(new BinaryExpr(op, left, ParseMultiplicative()) { Location = left.Location });
        }

        return left;
    }

    private Expr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Current.Kind == TokenKind.Star)
        {
            Advance();
            left = Checked(new BinaryExpr(BinaryOperator.Multiply, left, ParseUnary()) { Location = left.Location });
        }

        return left;
    }

    private Expr ParseUnary()
    {
        // Cedar allows one run of up to four identical prefix operators; mixing `!` and `-` needs parentheses.
        var operators = new List<Token>();
        while (Current.Kind is TokenKind.Bang or TokenKind.Minus)
        {
            if (operators.Count > 0 && operators[0].Kind != Current.Kind)
            {
                throw Error($"`{operators[0].Text}` and `{Current.Text}` cannot be combined: add parentheses");
            }

            operators.Add(Advance());
        }

        if (operators.Count > MaxUnaryChain)
        {
            throw new CedarParseException($"too many occurrences of `{operators[0].Text}`: at most {MaxUnaryChain} can be chained", operators[0].Location);
        }

        Expr operand;
        var literalFollows = Current.Kind == TokenKind.Integer && PeekAhead(1).Kind is not (TokenKind.Dot or TokenKind.LeftBracket);
        if (operators.Count > 0 && operators[0].Kind == TokenKind.Minus && literalFollows)
        {
            // A minus directly before an integer literal is part of the literal, so the smallest long is writable.
            var minus = operators[^1];
            operators.RemoveAt(operators.Count - 1);
            var digits = Advance();
            if (!ulong.TryParse(digits.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var magnitude) || magnitude > (ulong)long.MaxValue + 1)
            {
                throw new CedarParseException($"integer literal `-{digits.Text}` is out of range", minus.Location);
            }

            operand = new LiteralExpr(new LongValue(unchecked(-(long)magnitude))) { Location = minus.Location };
        }
        else
        {
            operand = ParseMember();
        }

        for (var i = operators.Count - 1; i >= 0; i--)
        {
            var op = operators[i].Kind == TokenKind.Bang ? UnaryOperator.Not : UnaryOperator.Negate;
            operand = Checked(new UnaryExpr(op, operand) { Location = operators[i].Location });
        }

        return operand;
    }
}
