namespace Mandate.Core.Groups;

/// <summary>Whether a group collects members (a team) or confers permissions (a role). Both are Cedar parents.</summary>
public enum GroupKind
{
    /// <summary>A collection of identities, for example a team.</summary>
    Group,

    /// <summary>A named set of permissions granted by membership.</summary>
    Role,
}
