using Mandate.Cedar.Values;

namespace Mandate.Authorization.ControlPlane;

/// <summary>
/// The control plane's own actions, Cedar entities of type <c>Mandate::Action</c>. Creating identities, adding
/// credentials, granting groups and roles, delegating, impersonating and starting transactions are decided by
/// Cedar like any other access, so nobody can give away what they do not hold.
/// </summary>
public static class ControlPlaneActions
{
    /// <summary>The Cedar entity type of control-plane actions.</summary>
    public const string EntityType = "Mandate::Action";

    /// <summary>Register an identity. Resource: the new identity (with its <c>owner</c>, <c>parent</c> and <c>kind</c>).</summary>
    public const string CreateIdentity = "create_identity";

    /// <summary>Add a credential (key, API key, federated trust, certificate). Resource: the identity that gets it; <c>context.kind</c>: the credential kind.</summary>
    public const string AddCredential = "add_credential";

    /// <summary>Make an identity or group a member of a group or role. Resource: the group or role; <c>context.member</c>: the new member.</summary>
    public const string Grant = "grant";

    /// <summary>Let another identity act with a token (token exchange with an actor). Principal: the holder; resource: the new actor.</summary>
    public const string Delegate = "delegate";

    /// <summary>Obtain a token that speaks as its subject without an <c>act</c> claim. Principal: the client; resource: the subject.</summary>
    public const string Impersonate = "impersonate";

    /// <summary>Obtain a transaction token. Principal: the requesting workload; resource: the transaction's initiator.</summary>
    public const string IssueTransactionToken = "issue_transaction_token";

    /// <summary>The entity of a control-plane action.</summary>
    public static EntityUid Uid(string action) => EntityUid.Of(EntityType, action);
}
