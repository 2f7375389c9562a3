namespace Mandate.Core.Events;

/// <summary>Where producers hand events. Emitting never blocks and never throws on the caller's path.</summary>
public interface IEventSink
{
    /// <summary>Queues an event for durable storage; false when the queue is full and the event was dropped (and counted).</summary>
    bool Emit(MandateEvent evt);

    /// <summary>
    /// Queues events already encoded, copying them (the caller keeps its batch), as many as there is room for; the rest
    /// are dropped and counted. Returns how many were queued.
    /// </summary>
    int Emit(EncodedEvents events);
}
