namespace Mandate.Core.Events;

/// <summary>Where producers hand events. Emitting never blocks and never throws on the caller's path.</summary>
public interface IEventSink
{
    /// <summary>Queues an event for durable storage; false when the queue is full and the event was dropped (and counted).</summary>
    bool Emit(MandateEvent evt);
}
