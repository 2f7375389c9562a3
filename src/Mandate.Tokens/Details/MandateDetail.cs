using Mandate.Cedar.Values;

namespace Mandate.Tokens.Details;

/// <summary>
/// One RFC 9396 authorization detail of type <c>mandate</c>: a purpose-bound grant of Cedar actions on Cedar
/// resources inside a time window. A request lies inside it when its action is listed, its resource matches an
/// entry (any resource when none is listed), its purpose equals <see cref="Purpose"/> (when set) and its time lies
/// in [<see cref="NotBefore"/>, <see cref="NotAfter"/>).
/// </summary>
/// <param name="Actions">Actions in canonical text: a bare name for <c>Action::"name"</c>, otherwise the entity reference.</param>
/// <param name="Resources">Entity references (<c>Table::"invoices"</c>) or entity types (<c>Table</c>, any entity of it); empty means any resource.</param>
/// <param name="Purpose">The purpose the grant is bound to, if any.</param>
/// <param name="NotBefore">Start of the window (whole seconds, UTC), if any.</param>
/// <param name="NotAfter">End of the window (exclusive, whole seconds, UTC), if any.</param>
public sealed record MandateDetail(
    IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, string? Purpose, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter)
{
    /// <summary>The <c>type</c> of Mandate's authorization details.</summary>
    public const string Type = "mandate";

    /// <summary>Whether <paramref name="action"/> on <paramref name="resource"/> for <paramref name="purpose"/> at <paramref name="time"/> lies inside this grant.</summary>
    public bool Permits(EntityUid action, EntityUid resource, string? purpose, DateTimeOffset time) =>
        Actions.Any(a => DetailTerms.Action(a).Equals(action))
        && (Resources.Count == 0 || Resources.Any(r => DetailTerms.ResourceCovers(r, resource)))
        && (Purpose is null || string.Equals(Purpose, purpose, StringComparison.Ordinal))
        && (NotBefore is null || time >= NotBefore)
        && (NotAfter is null || time < NotAfter);

    /// <summary>Why this grant is wider than <paramref name="parent"/>, or null when <paramref name="parent"/> covers it.</summary>
    internal string? WiderThan(MandateDetail parent)
    {
        if (Actions.FirstOrDefault(a => !parent.Actions.Any(p => DetailTerms.Action(p).Equals(DetailTerms.Action(a)))) is { } action)
        {
            return $"action `{action}` is not granted by the subject token";
        }

        if (parent.Resources.Count > 0)
        {
            if (Resources.Count == 0)
            {
                return "the subject token is limited to resources `" + string.Join("`, `", parent.Resources) + "`; list resources within them";
            }

            if (Resources.FirstOrDefault(r => !parent.Resources.Any(p => DetailTerms.ResourceCovers(p, r))) is { } resource)
            {
                return $"resource `{resource}` is outside the subject token's resources";
            }
        }

        if (parent.Purpose is not null && !string.Equals(parent.Purpose, Purpose, StringComparison.Ordinal))
        {
            return $"the subject token is bound to purpose `{parent.Purpose}`";
        }

        if (parent.NotBefore is { } start && (NotBefore is null || NotBefore < start))
        {
            return $"the window starts before the subject token's ({start:yyyy-MM-ddTHH:mm:ssZ})";
        }

        return parent.NotAfter is { } end && (NotAfter is null || NotAfter > end)
            ? $"the window ends after the subject token's ({end:yyyy-MM-ddTHH:mm:ssZ})"
            : null;
    }
}
