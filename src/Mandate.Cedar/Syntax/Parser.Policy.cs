using System.Collections.Immutable;
using System.Globalization;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Syntax;

internal sealed partial class Parser
{
    /// <summary>Parses every policy up to the end of input, naming them <c>policy0</c>, <c>policy1</c>, ...</summary>
    public List<Policy> ParsePolicies()
    {
        var policies = new List<Policy>();
        while (!AtEnd)
        {
            policies.Add(ParsePolicy("policy" + policies.Count.ToString(CultureInfo.InvariantCulture)));
        }

        return policies;
    }

    public Policy ParsePolicy(string id)
    {
        var start = Current.Location;
        var annotations = ParseAnnotations();
        var effectToken = Current;
        Effect effect;
        if (AcceptKeyword("permit"))
        {
            effect = Effect.Permit;
        }
        else if (AcceptKeyword("forbid"))
        {
            effect = Effect.Forbid;
        }
        else
        {
            throw new CedarParseException($"expected `permit` or `forbid`, found {effectToken.Describe()}", effectToken.Location);
        }

        Expect(TokenKind.LeftParen, "`(` after the effect");
        var principalAt = Current.Location.Offset;
        ExpectKeyword("principal");
        var principal = ParseEntityScope(Variable.Principal);
        Expect(TokenKind.Comma, "`,` after the principal constraint");
        var actionAt = Current.Location.Offset;
        ExpectKeyword("action");
        var action = ParseActionScope();
        Expect(TokenKind.Comma, "`,` after the action constraint");
        var resourceAt = Current.Location.Offset;
        ExpectKeyword("resource");
        var resource = ParseEntityScope(Variable.Resource);
        Accept(TokenKind.Comma); // the reference accepts a trailing comma here
        var closeAt = Current.Location.Offset;
        Expect(TokenKind.RightParen, "`)` to close the policy scope");

        var conditions = ImmutableArray.CreateBuilder<Condition>();
        while (Current.IsIdentifier("when") || Current.IsIdentifier("unless"))
        {
            var keyword = Advance();
            var kind = keyword.Text == "when" ? ConditionKind.When : ConditionKind.Unless;
            Expect(TokenKind.LeftBrace, $"`{{` after `{keyword.Text}`");
            if (Current.Kind == TokenKind.RightBrace)
            {
                throw Error($"`{keyword.Text}` clause is empty: write a condition between the braces");
            }

            var body = ParseExpression();
            Expect(TokenKind.RightBrace, $"`}}` to close the `{keyword.Text}` clause");
            conditions.Add(new Condition(kind, body) { Location = keyword.Location });
        }

        Layouts?.Add(new PolicyLayout(effectToken.Location.Offset, principalAt, actionAt, resourceAt, closeAt, Current.Location.Offset));
        Expect(TokenKind.Semicolon, "`;` at the end of the policy");
        return new Policy(id, effect, annotations, principal, action, resource, conditions.ToImmutable()) { Location = start };
    }

    private ImmutableArray<Annotation> ParseAnnotations()
    {
        var annotations = ImmutableArray.CreateBuilder<Annotation>();
        while (Current.Kind == TokenKind.At)
        {
            var at = Advance();
            var key = ExpectIdentifier("an annotation name after `@`");
            string? value = null;
            if (Accept(TokenKind.LeftParen))
            {
                value = ReadString("an annotation value (a string literal)");
                Expect(TokenKind.RightParen, "`)` after the annotation value");
            }

            if (annotations.Any(a => a.Key == key))
            {
                throw new CedarParseException($"duplicate annotation `@{key}`", at.Location);
            }

            annotations.Add(new Annotation(key, value) { Location = at.Location });
        }

        return annotations.ToImmutable();
    }

    private ScopeConstraint ParseEntityScope(Variable variable)
    {
        if (Accept(TokenKind.Equal))
        {
            return new ScopeConstraint(ScopeOperator.Equal, ParseScopeEntity(variable), null);
        }

        if (AcceptKeyword("in"))
        {
            return new ScopeConstraint(ScopeOperator.In, ParseScopeEntity(variable), null);
        }

        if (AcceptKeyword("is"))
        {
            var type = ReadName("an entity type after `is`");
            return AcceptKeyword("in")
                ? new ScopeConstraint(ScopeOperator.IsIn, ParseScopeEntity(variable), type)
                : new ScopeConstraint(ScopeOperator.Is, null, type);
        }

        return ScopeConstraint.Any;
    }

    private EntityReference ParseScopeEntity(Variable variable)
    {
        if (Current.Kind == TokenKind.Slot)
        {
            var slot = Advance();
            var expected = variable == Variable.Principal ? "principal" : "resource";
            if (slot.Text != expected)
            {
                throw new CedarParseException($"`?{slot.Text}` is not allowed here: the {expected} constraint may only use `?{expected}`", slot.Location);
            }

            return EntityReference.ToSlot(variable == Variable.Principal ? SlotId.Principal : SlotId.Resource);
        }

        return EntityReference.ToEntity(ReadEntityUid());
    }

    private ActionConstraint ParseActionScope()
    {
        if (Accept(TokenKind.Equal))
        {
            return new ActionConstraint(ActionScopeOperator.Equal, [ReadActionUid()], false);
        }

        if (AcceptKeyword("in"))
        {
            if (!Accept(TokenKind.LeftBracket))
            {
                return new ActionConstraint(ActionScopeOperator.In, [ReadActionUid()], false);
            }

            var entities = ImmutableArray.CreateBuilder<EntityUid>();
            while (Current.Kind != TokenKind.RightBracket)
            {
                entities.Add(ReadActionUid());
                if (!Accept(TokenKind.Comma))
                {
                    break;
                }
            }

            Expect(TokenKind.RightBracket, "`]` to close the action list");
            return new ActionConstraint(ActionScopeOperator.In, entities.ToImmutable(), true);
        }

        if (Current.IsIdentifier("is"))
        {
            throw Error("`is` is not allowed in the action constraint");
        }

        return ActionConstraint.Any;
    }

    private EntityUid ReadActionUid()
    {
        if (Current.Kind == TokenKind.Slot)
        {
            throw Error($"`?{Current.Text}` is not allowed in the action constraint");
        }

        var location = Current.Location;
        var uid = ReadEntityUid();
        if (uid.EntityType.Basename != "Action")
        {
            throw new CedarParseException($"expected an entity of type `Action` in the action constraint, found `{uid}`", location);
        }

        return uid;
    }
}

/// <summary>
/// Where the parts of a policy start in its text (character offsets): the effect, the three scope constraints, the
/// <c>)</c> that closes the scope and the final <c>;</c>. Annotations and conditions carry their own locations.
/// </summary>
internal readonly record struct PolicyLayout(int Effect, int Principal, int Action, int Resource, int Close, int End);
