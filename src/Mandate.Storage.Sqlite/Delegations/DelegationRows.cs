using Mandate.Core.Delegations;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Delegations;

/// <summary>Delegation node and revocation columns and their mapping; lists are JSON arrays.</summary>
internal static class DelegationRows
{
    public const string NodeColumns =
        "token_id, parent_token_id, kind, subject_id, actors, client_id, credential_ids, actor_token_id, scope, authorization_details, may_act, audiences, issued_at, expires_at";

    public const string NodeValues =
        "$token_id, $parent_token_id, $kind, $subject_id, $actors, $client_id, $credential_ids, $actor_token_id, $scope, $authorization_details, $may_act, $audiences, $issued_at, $expires_at";

    public const string RevocationColumns = "token_id, revoked_at, expires_at, revoked_by, reason";

    public static DelegationNode ReadNode(SqliteDataReader reader) => new()
    {
        TokenId = reader.GetString(0),
        ParentTokenId = reader.GetStringOrNull(1),
        Kind = reader.GetEnum<DelegationKind>(2),
        SubjectId = reader.GetString(3),
        Actors = StoreJson.Read<string[]>(reader.GetString(4)),
        ClientId = reader.GetString(5),
        CredentialIds = StoreJson.Read<string[]>(reader.GetString(6)),
        ActorTokenId = reader.GetStringOrNull(7),
        Scope = reader.GetStringOrNull(8),
        AuthorizationDetails = reader.GetStringOrNull(9),
        MayAct = reader.GetStringOrNull(10),
        Audiences = StoreJson.Read<string[]>(reader.GetString(11)),
        IssuedAt = reader.GetInstant(12),
        ExpiresAt = reader.GetInstant(13),
    };

    public static void BindNode(SqliteCommand command, DelegationNode node)
    {
        command.Parameters.Clear();
        command.Bind(
            ("$token_id", node.TokenId),
            ("$parent_token_id", node.ParentTokenId),
            ("$kind", node.Kind.ToString()),
            ("$subject_id", node.SubjectId),
            ("$actors", StoreJson.Write(node.Actors)),
            ("$client_id", node.ClientId),
            ("$credential_ids", StoreJson.Write(node.CredentialIds)),
            ("$actor_token_id", node.ActorTokenId),
            ("$scope", node.Scope),
            ("$authorization_details", node.AuthorizationDetails),
            ("$may_act", node.MayAct),
            ("$audiences", StoreJson.Write(node.Audiences)),
            ("$issued_at", node.IssuedAt.ToStored()),
            ("$expires_at", node.ExpiresAt.ToStored()));
    }

    public static TokenRevocation ReadRevocation(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetInstant(1), reader.GetInstant(2), reader.GetString(3), reader.GetStringOrNull(4));
}
