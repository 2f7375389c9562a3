using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>An authorization request: who (principal) wants to do what (action) to what (resource), in which context.</summary>
public sealed record Request(EntityUid Principal, EntityUid Action, EntityUid Resource, RecordValue Context);
