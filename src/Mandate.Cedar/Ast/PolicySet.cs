using System.Collections.Immutable;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Ast;

/// <summary>
/// An immutable set of static policies, templates and template-linked policies, keyed by id.
/// Linking returns a new set, so a set can be shared by concurrent evaluations.
/// </summary>
public sealed class PolicySet
{
    private readonly ImmutableDictionary<string, Policy> _byId;
    private Authorization.PolicyIndex? _index;

    /// <summary>Creates a set from parsed policies and templates; ids must be distinct.</summary>
    public PolicySet(IEnumerable<Policy> policies)
    {
        var all = policies.ToImmutableArray();
        var byId = ImmutableDictionary.CreateBuilder<string, Policy>(StringComparer.Ordinal);
        foreach (var policy in all)
        {
            if (!byId.TryAdd(policy.Id, policy))
            {
                throw new ArgumentException($"duplicate policy id `{policy.Id}`", nameof(policies));
            }
        }

        _byId = byId.ToImmutable();
        Policies = [.. all.Where(p => !p.IsTemplate)];
        Templates = [.. all.Where(p => p.IsTemplate)];
    }

    /// <summary>An empty set.</summary>
    public static PolicySet Empty { get; } = new([]);

    /// <summary>The policies that take part in authorization: static and linked ones, in insertion order.</summary>
    public ImmutableArray<Policy> Policies { get; }

    /// <summary>The templates (policies with slots), which take part only through linked policies.</summary>
    public ImmutableArray<Policy> Templates { get; }

    /// <summary>Parses a policy file into a set (<c>policy0</c>, <c>policy1</c>, ...).</summary>
    public static PolicySet Parse(string text) => Syntax.CedarParser.ParsePolicySet(text);

    /// <summary>Finds a policy or template by id.</summary>
    public Policy? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Links template <paramref name="templateId"/> as <paramref name="newId"/> and returns the grown set.</summary>
    public PolicySet Link(string templateId, string newId, IReadOnlyDictionary<SlotId, EntityUid> slotValues)
    {
        var template = Find(templateId);
        if (template is null || !template.IsTemplate)
        {
            throw new ArgumentException($"no template with id `{templateId}`", nameof(templateId));
        }

        if (_byId.ContainsKey(newId))
        {
            throw new ArgumentException($"a policy with id `{newId}` already exists", nameof(newId));
        }

        return new PolicySet([.. Policies, .. Templates, template.Link(newId, slotValues)]);
    }

    // Built on first use and then shared; concurrent first uses may build it twice, which is harmless.
    internal Authorization.PolicyIndex Index => Volatile.Read(ref _index) ?? LazyInitializer.EnsureInitialized(ref _index, () => new Authorization.PolicyIndex(Policies));
}
