using Mandate.Core.Events;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Rows of the version 1 <c>events</c> table in the state database, read once to move them into the event log.
/// </summary>
internal static class LegacyEventRows
{
    public const string Columns =
        "sequence, id, time, category, type, outcome, actor_id, actor_kind, chain, action, resource_type, resource_id, " +
        "policies, token_id, source_ip, user_agent, request_id, message";

    public static MandateEvent Read(SqliteDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        Id = reader.GetString(1),
        Time = reader.GetInstant(2),
        Category = reader.GetEnum<EventCategory>(3),
        Type = reader.GetString(4),
        Outcome = reader.GetEnum<EventOutcome>(5),
        ActorId = reader.GetStringOrNull(6),
        ActorKind = reader.GetStringOrNull(7),
        Chain = StoreJson.Read<string[]>(reader.GetString(8)),
        Action = reader.GetStringOrNull(9),
        ResourceType = reader.GetStringOrNull(10),
        ResourceId = reader.GetStringOrNull(11),
        Policies = StoreJson.Read<string[]>(reader.GetString(12)),
        TokenId = reader.GetStringOrNull(13),
        SourceIp = reader.GetStringOrNull(14),
        UserAgent = reader.GetStringOrNull(15),
        RequestId = reader.GetStringOrNull(16),
        Message = reader.GetStringOrNull(17),
    };
}
