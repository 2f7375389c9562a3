using Mandate.Core.Events;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>An event sink that drops every event (the retention record is not what these tests check).</summary>
internal sealed class DroppingSink : IEventSink
{
    public bool Emit(MandateEvent evt) => false;

    public bool Emit(in EventFields fields) => false;
}
