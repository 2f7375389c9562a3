using System.Text;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Search;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Search;

/// <summary>Resource search prunes by policy scope; on random worlds it must find exactly what deciding every resource finds.</summary>
public sealed class SearchPruningTests
{
    [Fact]
    public void Resources_OnRandomWorlds_MatchDecidingEveryResource()
    {
        var random = new Random(20261123);
        for (var world = 0; world < 300; world++)
        {
            var entities = Entities(random);
            var policies = Policies(random);
            var context = new RecordValue([KeyValuePair.Create<string, CedarValue>("purpose", new StringValue(random.Next(2) == 0 ? "audit" : "ops"))]);
            foreach (var principal in entities.OfType(Name.Parse("Agent")).Take(4))
            {
                foreach (var action in new[] { "read", "write" })
                {
                    var uid = EntityUid.Of("Action", action);
                    var expected = entities.OfType(Name.Parse("Doc")).OrderBy(d => d.Id, StringComparer.Ordinal)
                        .Where(d => Authorizer.IsAuthorized(new Request(principal, uid, d, context), policies, entities).Decision == Decision.Allow)
                        .ToList();

                    var found = AuthorizationSearch.Resources(policies, entities, principal, uid, Name.Parse("Doc"), context);

                    Assert.True(expected.SequenceEqual(found), $"world {world}, {principal} {action}: expected [{string.Join(", ", expected)}], found [{string.Join(", ", found)}]");
                }
            }
        }
    }

    private static EntityStore Entities(Random random)
    {
        var entities = new List<Entity>();
        for (var i = 0; i < 4; i++)
        {
            entities.Add(new Entity(EntityUid.Of("Team", $"t{i}")));
            entities.Add(new Entity(EntityUid.Of("Agent", $"a{i}"), parents: [EntityUid.Of("Team", $"t{random.Next(4)}")]));
        }

        for (var i = 0; i < 6; i++)
        {
            entities.Add(new Entity(EntityUid.Of("Folder", $"f{i}"), parents: i > 0 && random.Next(2) == 0 ? [EntityUid.Of("Folder", $"f{random.Next(i)}")] : []));
        }

        for (var i = 0; i < 30; i++)
        {
            entities.Add(new Entity(EntityUid.Of("Doc", $"d{i}"), [KeyValuePair.Create<string, CedarValue>("level", new LongValue(random.Next(3)))],
                random.Next(5) == 0 ? [] : [EntityUid.Of("Folder", $"f{random.Next(6)}")]));
        }

        return new EntityStore(entities);
    }

    private static PolicySet Policies(Random random)
    {
        var text = new StringBuilder();
        for (var i = 0; i < random.Next(1, 6); i++)
        {
            var principal = random.Next(4) switch
            {
                0 => "principal",
                1 => $"principal == Agent::\"a{random.Next(4)}\"",
                2 => $"principal in Team::\"t{random.Next(4)}\"",
                _ => "principal is Agent",
            };
            var action = random.Next(3) switch { 0 => "action", 1 => "action == Action::\"read\"", _ => "action in [Action::\"read\", Action::\"write\"]" };
            var resource = random.Next(7) switch
            {
                0 => "resource",
                1 => "resource is Doc",
                2 => "resource is Folder",
                3 => $"resource == Doc::\"d{random.Next(30)}\"",
                4 => $"resource is Doc in Folder::\"f{random.Next(6)}\"",
                _ => $"resource in Folder::\"f{random.Next(6)}\"",
            };
            // Conditions with parts that never read `resource` (which let a search skip a permit's whole scope when
            // one is not true, including when it errors) beside parts that do, in either order, and `unless`.
            var condition = random.Next(9) switch
            {
                0 => "",
                1 => " when { context.purpose == \"audit\" }",
                2 => " when { resource.level > 0 }",
                3 => " when { resource.level > 0 && context.purpose == \"audit\" }",
                4 => " when { context.purpose == \"ops\" && resource.level > 1 }",
                5 => " when { principal.missing == 1 && resource.level > 0 }",
                6 => " when { context.purpose == \"audit\" || resource.level > 1 }",
                7 => " when { resource.level > 0 } when { context.purpose == \"audit\" }",
                _ => " unless { context.purpose == \"audit\" } when { resource.level < 2 }",
            };
            text.Append(random.Next(4) == 0 ? "forbid" : "permit").Append($" ({principal}, {action}, {resource}){condition};\n");
        }

        return CedarParser.ParsePolicySet(text.ToString());
    }
}
