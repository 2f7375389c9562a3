using System.Text;

namespace Mandate.Cedar.Tests.Differential;

/// <summary>
/// Random Cedar policies over a <see cref="World"/>: every scope form, and conditions built by a typed
/// expression generator that reaches attributes through <c>is</c> and <c>has</c> guards the way real policies
/// do, and now and then leaves a guard out or mixes types so evaluation errors are compared too. Everything is
/// printed fully parenthesized, so both engines read the same tree.
/// </summary>
internal sealed class PolicyGenerator(World world)
{
    private readonly Random _random = world.Random;

    public string PolicySet(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.AppendLine(Policy());
        }

        return text.ToString();
    }

    private string Policy()
    {
        var text = new StringBuilder();
        if (Chance(5))
        {
            text.Append("@id(\"x\") @note ");
        }

        text.Append(Chance(3) ? "forbid" : "permit").Append(" (")
            .Append(ScopeConstraint("principal")).Append(", ").Append(ActionScope()).Append(", ").Append(ScopeConstraint("resource")).Append(')');
        for (var i = 0; i < _random.Next(3); i++)
        {
            text.Append(Chance(4) ? " unless { " : " when { ").Append(Condition()).Append(" }");
        }

        return text.Append(';').ToString();
    }

    private string ScopeConstraint(string variable)
    {
        var entity = World.Pick(_random, world.Entities);
        var uid = Uid(entity.Type.Name, Chance(8) ? "missing" : entity.Id);
        return _random.Next(6) switch
        {
            0 => $"{variable} == {uid}",
            1 => $"{variable} in {uid}",
            2 => $"{variable} is {entity.Type.Name}",
            3 => $"{variable} is {World.Pick(_random, world.EntityTypes).Name} in {uid}",
            _ => variable,
        };
    }

    private string ActionScope()
    {
        var ids = world.Actions.Select(a => a.Id).Append("group").ToList();
        return _random.Next(5) switch
        {
            0 => $"action == Action::\"{World.Pick(_random, ids)}\"",
            1 => $"action in Action::\"{World.Pick(_random, ids)}\"",
            2 => $"action in [{string.Join(", ", ids.Where(_ => Chance(2)).DefaultIfEmpty("group").Select(i => $"Action::\"{i}\""))}]",
            _ => "action",
        };
    }

    private string Condition()
    {
        // Mostly conditions about one variable narrowed to a type (or the context of one action), as policies are written.
        var scope = new Scope();
        if (Chance(2))
        {
            var variable = Chance(2) ? "principal" : "resource";
            var type = World.Pick(_random, world.EntityTypes);
            scope.AddEntity(variable, type, world, guarded: !Chance(3));
            return $"({variable} is {type.Name} && {Bool(scope, 3)})";
        }

        if (Chance(2))
        {
            var action = World.Pick(_random, world.Actions);
            scope.AddRecord("context", action.Context, guarded: !Chance(3));
            return $"(action == Action::\"{action.Id}\" && {Bool(scope, 3)})";
        }

        return Bool(scope, 3);
    }

    private string Bool(Scope scope, int depth)
    {
        if (depth == 0)
        {
            return Leaf(scope, GenType.Bool);
        }

        return _random.Next(16) switch
        {
            0 => $"({Bool(scope, depth - 1)} && {Bool(scope, depth - 1)})",
            1 => $"({Bool(scope, depth - 1)} || {Bool(scope, depth - 1)})",
            2 => $"(!{Bool(scope, depth - 1)})",
            3 => $"(if {Bool(scope, depth - 1)} then {Bool(scope, depth - 1)} else {Bool(scope, depth - 1)})",
            4 => $"({Long(scope, depth - 1)} {World.Pick(_random, ["<", "<=", ">", ">="])} {Long(scope, depth - 1)})",
            5 => Equality(scope, depth - 1),
            6 => $"({Expr(scope, GenType.String, depth - 1)} like {Pattern()})",
            7 => $"({EntityExpr(scope)} in {(Chance(3) ? $"[{EntityExpr(scope)}, {EntityExpr(scope)}]" : EntityExpr(scope))})",
            8 => $"({EntityExpr(scope)} is {World.Pick(_random, world.EntityTypes).Name})",
            9 => SetTest(scope, depth - 1),
            10 => Has(),
            11 => Extension(scope),
            12 => $"({EntityExpr(scope)}.hasTag({Expr(scope, GenType.String, depth - 1)}))",
            _ => Leaf(scope, GenType.Bool),
        };
    }

    private string Equality(Scope scope, int depth)
    {
        var type = World.Pick(_random, [GenType.Long, GenType.String, GenType.Bool, new GenType.Entity(World.Pick(_random, world.EntityTypes).Name)]);
        var right = Chance(10) ? Expr(scope, GenType.String, depth) : Expr(scope, type, depth);
        return $"({Expr(scope, type, depth)} {(Chance(3) ? "!=" : "==")} {right})";
    }

    private string SetTest(Scope scope, int depth)
    {
        var element = Chance(2) ? GenType.Long : GenType.String;
        var set = Expr(scope, new GenType.Set(element), depth);
        return _random.Next(4) switch
        {
            0 => $"({set}.contains({Expr(scope, element, depth)}))",
            1 => $"({set}.containsAll({Expr(scope, new GenType.Set(element), depth)}))",
            2 => $"({set}.containsAny({Expr(scope, new GenType.Set(element), depth)}))",
            _ => $"({set}.isEmpty())",
        };
    }

    private string Has()
    {
        var target = Chance(2) ? "context" : World.Pick(_random, ["principal", "resource"]);
        var attribute = Chance(5) ? "nope" : $"f{_random.Next(4)}";
        return Chance(4) ? $"({target} has {attribute}.x)" : $"({target} has {attribute})";
    }

    private string Extension(Scope scope) => _random.Next(6) switch
    {
        0 => $"({Expr(scope, new GenType.Extension("ipaddr"), 1)}.isInRange({Expr(scope, new GenType.Extension("ipaddr"), 1)}))",
        1 => $"({Expr(scope, new GenType.Extension("ipaddr"), 1)}.{World.Pick(_random, ["isIpv4", "isIpv6", "isLoopback", "isMulticast"])}())",
        2 => $"({Expr(scope, new GenType.Extension("decimal"), 1)}.{World.Pick(_random, ["lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual"])}({Expr(scope, new GenType.Extension("decimal"), 1)}))",
        3 => $"({Expr(scope, new GenType.Extension("datetime"), 1)} {World.Pick(_random, ["<", "<=", ">", ">="])} {Expr(scope, new GenType.Extension("datetime"), 1)})",
        4 => $"({Expr(scope, new GenType.Extension("duration"), 1)} {World.Pick(_random, ["<", ">="])} {Expr(scope, new GenType.Extension("duration"), 1)})",
        _ => $"({Expr(scope, new GenType.Extension("datetime"), 1)}.offset({Expr(scope, new GenType.Extension("duration"), 1)}) == {Expr(scope, new GenType.Extension("datetime"), 1)})",
    };

    private string Long(Scope scope, int depth)
    {
        if (depth == 0 || Chance(2))
        {
            return Leaf(scope, GenType.Long);
        }

        return _random.Next(6) switch
        {
            0 => $"({Long(scope, depth - 1)} + {Long(scope, depth - 1)})",
            1 => $"({Long(scope, depth - 1)} - {Long(scope, depth - 1)})",
            2 => $"({Long(scope, depth - 1)} * {Long(scope, depth - 1)})",
            3 => $"(-{Long(scope, depth - 1)})",
            4 => $"({Expr(scope, new GenType.Extension("duration"), 0)}.{World.Pick(_random, ["toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays"])}())",
            _ => $"({Expr(scope, new GenType.Extension("datetime"), 0)}.durationSince({Expr(scope, new GenType.Extension("datetime"), 0)}).toMilliseconds())",
        };
    }

    private string Expr(Scope scope, GenType type, int depth) => type switch
    {
        GenType.Primitive { Name: "Bool" } => Bool(scope, depth),
        GenType.Primitive { Name: "Long" } => Long(scope, depth),
        GenType.Set set when !Chance(3) && scope.Paths(type).Count == 0 =>
            $"[{string.Join(", ", Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Expr(scope, set.Element, Math.Max(depth - 1, 0))))}]",
        GenType.Extension extension when Chance(2) =>
            $"{Literals.Constructor(extension.Name)}({Literals.Quote(Literals.ExtensionArgument(_random, extension.Name))})",
        GenType.Extension { Name: "datetime" } when Chance(3) => $"({Expr(scope, type, 0)}.toDate())",
        _ => Leaf(scope, type),
    };

    private string EntityExpr(Scope scope)
    {
        var paths = scope.Paths(null).Where(p => p.Type is GenType.Entity).ToList();
        return _random.Next(4) switch
        {
            0 when paths.Count > 0 => World.Pick(_random, paths).Text,
            1 => World.Pick(_random, ["principal", "resource", "action"]),
            _ => Uid(World.Pick(_random, world.Entities).Type.Name, World.Pick(_random, world.Entities).Id),
        };
    }

    private string Leaf(Scope scope, GenType type)
    {
        var paths = scope.Paths(type);
        if (paths.Count > 0 && !Chance(3))
        {
            return World.Pick(_random, paths).Text;
        }

        return type switch
        {
            GenType.Primitive { Name: "Bool" } => Chance(2) ? "true" : "false",
            GenType.Primitive { Name: "Long" } => Literals.TextLong(_random),
            GenType.Primitive { Name: "String" } when Chance(4) => $"({EntityExpr(scope)}.getTag({Literals.Quote(World.Pick(_random, ["k1", "k2"]))}))",
            GenType.Primitive { Name: "String" } => Literals.Quote(World.Pick(_random, Literals.Strings)),
            GenType.Entity entity => Uid(entity.Name, World.Pick(_random, world.Entities).Id),
            GenType.Extension extension => $"{Literals.Constructor(extension.Name)}({Literals.Quote(Literals.ExtensionArgument(_random, extension.Name))})",
            GenType.Set set => $"[{Leaf(scope, set.Element)}]",
            GenType.Record => "{x: 1}",
            _ => "true",
        };
    }

    // Patterns in Cedar syntax: `\*` is a literal star.
    private string Pattern() => World.Pick(_random, ["\"*\"", "\"a*\"", "\"*c\"", "\"a*c\"", "\"\"", "\"abc\"", "\"*b*\"", "\"a\\*c\"", "\"é*\"", "\"**\""]);

    private static string Uid(string type, string id) => $"{type}::{Literals.Quote(id)}";

    private bool Chance(int oneIn) => _random.Next(oneIn) == 0;

    /// <summary>Expressions known to have a type where the generator is (attributes reached under guards).</summary>
    private sealed class Scope
    {
        private readonly List<(string Text, GenType Type)> _paths = [];

        public void AddEntity(string variable, GenEntityType type, World world, bool guarded)
        {
            foreach (var attribute in type.Attributes)
            {
                Add(variable, attribute, guarded, world);
            }
        }

        public void AddRecord(string variable, IReadOnlyList<Attribute> attributes, bool guarded)
        {
            foreach (var attribute in attributes)
            {
                Add(variable, attribute, guarded, null);
            }
        }

        public List<(string Text, GenType Type)> Paths(GenType? type) =>
            type is null ? _paths : [.. _paths.Where(p => p.Type == type)];

        private void Add(string target, Attribute attribute, bool guarded, World? world)
        {
            var path = $"{target}.{attribute.Name}";
            var text = attribute.Required || !guarded ? path : $"({target} has {attribute.Name} && {path}";
            if (text.StartsWith('('))
            {
                // A guarded optional attribute is only usable as a boolean conjunct; keep it for booleans.
                if (attribute.Type == GenType.Bool)
                {
                    _paths.Add((text + ")", GenType.Bool));
                }

                return;
            }

            _paths.Add((path, attribute.Type));
            if (attribute.Type is GenType.Record record)
            {
                foreach (var inner in record.Attributes.Where(a => a.Required))
                {
                    _paths.Add(($"{path}.{inner.Name}", inner.Type));
                }
            }
        }
    }
}
