namespace Mandate.Cedar.Authorization;

/// <summary>
/// The decision, the ids of the policies that determined it (satisfied forbids on deny, satisfied permits
/// on allow) and the policies whose evaluation failed.
/// </summary>
public sealed record AuthorizationResponse(Decision Decision, IReadOnlyList<string> Reasons, IReadOnlyList<PolicyError> Errors);
