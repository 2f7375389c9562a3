using System.Collections.Immutable;
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
        var path = new List<string> { Advance().Text };
        while (Current.Kind == TokenKind.Dot && PeekAhead(1).Kind == TokenKind.Identifier)
        {
            Advance();
            path.Add(Advance().Text);
        }

        Expr result = new HasAttributeExpr(target, path[0]) { Location = target.Location };
        Expr prefix = target;
        for (var i = 1; i < path.Count; i++)
        {
            prefix = new GetAttributeExpr(prefix, path[i - 1]) { Location = target.Location };
            result = Checked(new AndExpr(result, new HasAttributeExpr(prefix, path[i]) { Location = target.Location }) { Location = target.Location });
        }

        return Checked(result);
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
        var operators = new List<Token>();
        while (Current.Kind is TokenKind.Bang or TokenKind.Minus)
        {
            operators.Add(Advance());
        }

        Expr operand;
        if (operators.Count > 0 && operators[^1].Kind == TokenKind.Minus && Current.Kind == TokenKind.Integer)
        {
            // A minus directly before an integer literal is part of the literal, so the smallest long is writable.
            var minus = operators[^1];
            operators.RemoveAt(operators.Count - 1);
            var digits = Advance();
            if (!ulong.TryParse(digits.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var magnitude) || magnitude > (ulong)long.MaxValue + 1)
            {
                throw new CedarParseException($"integer literal `-{digits.Text}` is out of range", minus.Location);
            }

            var literal = new LiteralExpr(new LongValue(unchecked(-(long)magnitude))) { Location = minus.Location };
            operand = ParseAccessors(literal);
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

    private Expr ParseMember() => ParseAccessors(ParsePrimary());

    private Expr ParseAccessors(Expr target)
    {
        while (true)
        {
            if (Current.Kind == TokenKind.Dot)
            {
                Advance();
                var nameToken = Expect(TokenKind.Identifier, "an attribute or method name after `.`");
                if (Current.Kind == TokenKind.LeftParen)
                {
                    Advance();
                    var arguments = ParseArguments(TokenKind.RightParen, "`)` to close the argument list");
                    target = Checked(MethodCall(target, nameToken, arguments));
                }
                else
                {
                    target = Checked(new GetAttributeExpr(target, nameToken.Text) { Location = target.Location });
                }
            }
            else if (Current.Kind == TokenKind.LeftBracket)
            {
                Advance();
                var attribute = ReadString("an attribute name string inside `[...]`");
                Expect(TokenKind.RightBracket, "`]` after the attribute name");
                target = Checked(new GetAttributeExpr(target, attribute) { Location = target.Location });
            }
            else
            {
                return target;
            }
        }
    }

    private Expr MethodCall(Expr target, Token name, ImmutableArray<Expr> arguments)
    {
        BinaryOperator? binary = name.Text switch
        {
            "contains" => BinaryOperator.Contains,
            "containsAll" => BinaryOperator.ContainsAll,
            "containsAny" => BinaryOperator.ContainsAny,
            "getTag" => BinaryOperator.GetTag,
            "hasTag" => BinaryOperator.HasTag,
            _ => null,
        };
        if (binary is { } op)
        {
            if (arguments.Length != 1)
            {
                throw new CedarParseException($"call to `{name.Text}` requires exactly 1 argument, but got {arguments.Length}", name.Location);
            }

            return new BinaryExpr(op, target, arguments[0]) { Location = target.Location };
        }

        if (name.Text == "isEmpty")
        {
            if (arguments.Length != 0)
            {
                throw new CedarParseException($"call to `isEmpty` requires no arguments, but got {arguments.Length}", name.Location);
            }

            return new UnaryExpr(UnaryOperator.IsEmpty, target) { Location = target.Location };
        }

        if (!ExtensionFunctions.IsMethod(name.Text))
        {
            throw new CedarParseException($"`{name.Text}` is not a valid method", name.Location);
        }

        return new ExtensionCallExpr(Name.Unqualified(name.Text), [target, .. arguments], IsMethodStyle: true) { Location = target.Location };
    }

    private ImmutableArray<Expr> ParseArguments(TokenKind close, string closeDescription)
    {
        var items = ImmutableArray.CreateBuilder<Expr>();
        while (Current.Kind != close)
        {
            items.Add(ParseExpression());
            if (!Accept(TokenKind.Comma))
            {
                break;
            }
        }

        Expect(close, closeDescription);
        return items.ToImmutable();
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Integer:
                Advance();
                if (!long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    throw new CedarParseException($"integer literal `{token.Text}` is out of range", token.Location);
                }

                return new LiteralExpr(new LongValue(number)) { Location = token.Location };
            case TokenKind.String:
                return new LiteralExpr(new StringValue(ReadString("a string"))) { Location = token.Location };
            case TokenKind.LeftParen:
            {
                Advance();
                Enter();
                var inner = ParseExpression();
                Leave();
                Expect(TokenKind.RightParen, "`)` to close the parenthesis");
                return inner;
            }

            case TokenKind.LeftBracket:
            {
                Advance();
                Enter();
                var elements = ParseArguments(TokenKind.RightBracket, "`]` to close the set");
                Leave();
                return Checked(new SetExpr(elements) { Location = token.Location });
            }

            case TokenKind.LeftBrace:
                return ParseRecord();
            case TokenKind.Slot:
                throw new CedarParseException($"template slot `?{token.Text}` may only appear in the policy scope", token.Location);
            case TokenKind.Identifier:
                return ParseNamedPrimary();
            default:
                throw new CedarParseException($"expected an expression, found {token.Describe()}", token.Location);
        }
    }

    private Expr ParseNamedPrimary()
    {
        var token = Current;
        var followedByPath = PeekAhead(1).Kind == TokenKind.DoubleColon;
        if (!followedByPath)
        {
            switch (token.Text)
            {
                case "true":
                    Advance();
                    return new LiteralExpr(BoolValue.True) { Location = token.Location };
                case "false":
                    Advance();
                    return new LiteralExpr(BoolValue.False) { Location = token.Location };
                case "principal":
                    Advance();
                    return new VariableExpr(Variable.Principal) { Location = token.Location };
                case "action":
                    Advance();
                    return new VariableExpr(Variable.Action) { Location = token.Location };
                case "resource":
                    Advance();
                    return new VariableExpr(Variable.Resource) { Location = token.Location };
                case "context":
                    Advance();
                    return new VariableExpr(Variable.Context) { Location = token.Location };
                case "if":
                    throw new CedarParseException("an `if` expression must be wrapped in parentheses here", token.Location);
            }
        }

        var name = ReadName("a name");
        if (Current.Kind == TokenKind.DoubleColon && PeekAhead(1).Kind == TokenKind.String)
        {
            Advance();
            var id = ReadString("an entity id");
            return new LiteralExpr(new EntityUid(name, id)) { Location = token.Location };
        }

        if (Current.Kind == TokenKind.LeftParen)
        {
            Advance();
            Enter();
            var arguments = ParseArguments(TokenKind.RightParen, "`)` to close the argument list");
            Leave();
            if (!ExtensionFunctions.IsFunction(name.FullName))
            {
                throw new CedarParseException(
                    ExtensionFunctions.IsMethod(name.FullName)
                        ? $"`{name}` is a method: call it as `value.{name}(...)`"
                        : $"`{name}` is not a valid function",
                    token.Location);
            }

            return Checked(new ExtensionCallExpr(name, arguments, IsMethodStyle: false) { Location = token.Location });
        }

        if (Current.Kind == TokenKind.DoubleColon)
        {
            throw Error($"expected an entity id string or a name after `::`, found {PeekAhead(1).Describe()}");
        }

        throw new CedarParseException($"unknown variable `{name}`: expected `principal`, `action`, `resource` or `context`", token.Location);
    }

    private Expr ParseRecord()
    {
        var open = Advance();
        Enter();
        var fields = ImmutableArray.CreateBuilder<KeyValuePair<string, Expr>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (Current.Kind != TokenKind.RightBrace)
        {
            var keyToken = Current;
            string key;
            if (keyToken.Kind == TokenKind.String)
            {
                key = ReadString("a record key");
            }
            else if (keyToken.Kind == TokenKind.Identifier)
            {
                key = Advance().Text;
            }
            else
            {
                throw Error($"expected a record key (an identifier or a string), found {keyToken.Describe()}");
            }

            if (!seen.Add(key))
            {
                throw new CedarParseException($"duplicate key `{key}` in record literal", keyToken.Location);
            }

            Expect(TokenKind.Colon, "`:` after the record key");
            fields.Add(new KeyValuePair<string, Expr>(key, ParseExpression()));
            if (!Accept(TokenKind.Comma))
            {
                break;
            }
        }

        Expect(TokenKind.RightBrace, "`}` to close the record");
        Leave();
        return Checked(new RecordExpr(fields.ToImmutable()) { Location = open.Location });
    }
}
