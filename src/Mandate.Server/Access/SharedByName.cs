using System.Collections.Concurrent;

namespace Mandate.Server.Access;

/// <summary>
/// Values made once per name and shared, for names a deployment sends again and again (entity types, action names,
/// context members): a few dozen in practice. Only the first <c>capacity</c> distinct names are kept, so a caller sending
/// new names on every request cannot grow the set; a name past that is simply not shared, which costs its maker a
/// value per request and never changes a result.
/// </summary>
internal sealed class SharedByName<T>
    where T : class
{
    private readonly int _capacity;
    private readonly ConcurrentDictionary<string, T> _values;
    private readonly ConcurrentDictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    // Counted apart: a concurrent dictionary's Count takes every lock it has.
    private int _count;

    public SharedByName(int capacity)
    {
        _capacity = capacity;
        _values = new(StringComparer.Ordinal);
        _byChars = _values.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryGet(string name, out T value) => _values.TryGetValue(name, out value!);

    /// <summary>The value for <paramref name="name"/>, found without making the name a string.</summary>
    public bool TryGet(ReadOnlySpan<char> name, out T value) => _byChars.TryGetValue(name, out value!);

    /// <summary>
    /// Keeps <paramref name="made"/> for <paramref name="name"/> while there is room, and returns the value to use: the
    /// one kept for the name (another thread's, when two made it at once), or <paramref name="made"/>.
    /// </summary>
    public T Share(string name, T made)
    {
        if (Volatile.Read(ref _count) >= _capacity)
        {
            return _values.TryGetValue(name, out var kept) ? kept : made;
        }

        if (_values.TryAdd(name, made))
        {
            Interlocked.Increment(ref _count);
            return made;
        }

        return _values.TryGetValue(name, out var raced) ? raced : made;
    }
}
