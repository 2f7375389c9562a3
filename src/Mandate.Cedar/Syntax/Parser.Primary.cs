using System.Collections.Immutable;
using System.Globalization;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Syntax;

internal sealed partial class Parser
{
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
                    RefuseReservedAttribute(nameToken);
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
                var inner = ParseExpression();
                Expect(TokenKind.RightParen, "`)` to close the parenthesis");
                return inner;
            }

            case TokenKind.LeftBracket:
            {
                Advance();
                var elements = ParseArguments(TokenKind.RightBracket, "`]` to close the set");
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
            var arguments = ParseArguments(TokenKind.RightParen, "`)` to close the argument list");
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
                RefuseReservedAttribute(keyToken);
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
        return Checked(new RecordExpr(fields.ToImmutable()) { Location = open.Location });
    }
}
