using System.Collections.Immutable;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Ast;

/// <summary>
/// A Cedar policy or template. A template has slots (<see cref="IsTemplate"/>); linking it
/// (<see cref="Link"/>) yields a policy whose <see cref="TemplateId"/> names the template.
/// </summary>
public sealed record Policy(
    string Id,
    Effect Effect,
    ImmutableArray<Annotation> Annotations,
    ScopeConstraint Principal,
    ActionConstraint Action,
    ScopeConstraint Resource,
    ImmutableArray<Condition> Conditions)
{
    /// <summary>Where the policy starts (its first annotation or effect keyword).</summary>
    public SourceLocation Location { get; init; }

    /// <summary>For a linked policy, the id of the template it was linked from.</summary>
    public string? TemplateId { get; init; }

    /// <summary>The slots the scope uses, in principal-then-resource order.</summary>
    public ImmutableArray<SlotId> Slots
    {
        get
        {
            var builder = ImmutableArray.CreateBuilder<SlotId>();
            if (Principal.Entity?.Slot is { } p)
            {
                builder.Add(p);
            }

            if (Resource.Entity?.Slot is { } r)
            {
                builder.Add(r);
            }

            return builder.ToImmutable();
        }
    }

    /// <summary>Whether the policy has slots and must be linked before it can be evaluated.</summary>
    public bool IsTemplate => !Slots.IsEmpty;

    /// <summary>The value of annotation <paramref name="key"/>, or null.</summary>
    public string? GetAnnotation(string key) =>
        Annotations.FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.Ordinal))?.Value;

    /// <summary>
    /// Fills the template's slots with <paramref name="values"/>, producing a static policy named
    /// <paramref name="newId"/>. Every slot must get a value and no other slot may be given.
    /// </summary>
    public Policy Link(string newId, IReadOnlyDictionary<SlotId, EntityUid> values)
    {
        var slots = Slots;
        if (slots.IsEmpty)
        {
            throw new InvalidOperationException($"policy `{Id}` is not a template");
        }

        foreach (var slot in slots)
        {
            if (!values.ContainsKey(slot))
            {
                throw new ArgumentException($"no value given for slot `{SlotText(slot)}` of template `{Id}`", nameof(values));
            }
        }

        foreach (var slot in values.Keys)
        {
            if (!slots.Contains(slot))
            {
                throw new ArgumentException($"template `{Id}` has no slot `{SlotText(slot)}`", nameof(values));
            }
        }

        return this with
        {
            Id = newId,
            TemplateId = Id,
            Principal = Principal.Fill(values),
            Resource = Resource.Fill(values),
        };
    }

    internal static string SlotText(SlotId slot) => slot == SlotId.Principal ? "?principal" : "?resource";
}
