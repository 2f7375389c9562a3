namespace Mandate.Core.Events;

/// <summary>Where producers hand events. Emitting never blocks and never throws on the caller's path.</summary>
public interface IEventSink
{
    /// <summary>Queues an event for durable storage; false when the queue is full and the event was dropped (and counted).</summary>
    bool Emit(MandateEvent evt);

    /// <summary>
    /// Queues the event of <paramref name="fields"/> (with a new id when they have none), encoded on the caller's thread,
    /// so no event object is made; false when the queue is full and the event was dropped (and counted).
    /// </summary>
    bool Emit(in EventFields fields);
}
