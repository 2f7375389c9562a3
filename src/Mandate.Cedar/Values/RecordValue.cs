using System.Collections.ObjectModel;

namespace Mandate.Cedar.Values;

/// <summary>A Cedar record: attribute names mapped to values, compared field by field.</summary>
public sealed class RecordValue : CedarValue
{
    // Records are built per request (contexts, literals), where freezing costs more than it saves. A record of a few
    // fields (a context: a purpose, a ticket, the time) is an array of distinct keys searched in order, which is
    // cheaper to build than a hash table and, for a few short keys, as quick to read; a larger one is a plain table.
    private const int MaxArrayFields = 8;

    // Exactly one of the two is set.
    private readonly KeyValuePair<string, CedarValue>[]? _array;
    private readonly Dictionary<string, CedarValue>? _table;
    private ReadOnlyDictionary<string, CedarValue>? _readOnlyFields;

    /// <summary>Creates a record; later duplicates of a key replace earlier ones.</summary>
    public RecordValue(IEnumerable<KeyValuePair<string, CedarValue>> fields)
        : this(fields is KeyValuePair<string, CedarValue>[] array ? array : [.. fields ?? throw new ArgumentNullException(nameof(fields))], [])
    {
    }

    /// <summary>
    /// Creates a record of <paramref name="fields"/> (later duplicates of a key replace earlier ones) that also has each of
    /// <paramref name="defaults"/> the fields do not: a caller that always adds a field (say, the time of a request) gets
    /// one record instead of a copy.
    /// </summary>
    public RecordValue(ReadOnlySpan<KeyValuePair<string, CedarValue>> fields, ReadOnlySpan<KeyValuePair<string, CedarValue>> defaults)
    {
        if (fields.Length + defaults.Length <= MaxArrayFields)
        {
            var buffer = default(FieldBuffer);
            Span<KeyValuePair<string, CedarValue>> gathered = buffer;
            var count = 0;
            foreach (var (key, value) in fields)
            {
                var at = IndexOf(gathered[..count], Checked(key, value));
                gathered[at < 0 ? count++ : at] = new(key, value);
            }

            foreach (var (key, value) in defaults)
            {
                if (IndexOf(gathered[..count], Checked(key, value)) < 0)
                {
                    gathered[count++] = new(key, value);
                }
            }

            _array = gathered[..count].ToArray();
            return;
        }

        _table = new Dictionary<string, CedarValue>(fields.Length + defaults.Length, StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            _table[Checked(key, value)] = value;
        }

        foreach (var (key, value) in defaults)
        {
            _table.TryAdd(Checked(key, value), value);
        }
    }

    /// <summary>Takes <paramref name="fields"/> (keyed by ordinal comparison, and no longer changed by the caller) as the record's own.</summary>
    internal RecordValue(Dictionary<string, CedarValue> fields) => _table = fields;

    // Takes distinct, checked fields (at most MaxArrayFields) as the record's own array.
    private RecordValue(KeyValuePair<string, CedarValue>[] distinct) => _array = distinct;

    /// <summary>The empty record.</summary>
    public static RecordValue Empty { get; } = new([], []);

    /// <summary>The fields.</summary>
    public IReadOnlyDictionary<string, CedarValue> Fields => _readOnlyFields ??= new ReadOnlyDictionary<string, CedarValue>(_table ?? Table(_array!));

    /// <summary>How many fields the record has.</summary>
    public int Count => _table?.Count ?? _array!.Length;

    /// <inheritdoc />
    public override CedarType Type => CedarType.Record;

    /// <summary>This record with <paramref name="name"/> set to <paramref name="value"/>, replacing any field of that name.</summary>
    public RecordValue With(string name, CedarValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (_array is not null)
        {
            // In place of the field of that name, or after the others: the keys stay distinct, so the copy is the new
            // record's own array unless it has outgrown one.
            var at = IndexOf(_array, name);
            KeyValuePair<string, CedarValue>[] changed = at < 0 ? [.. _array, new(name, value)] : [.. _array];
            changed[at < 0 ? _array.Length : at] = new(name, value);
            return changed.Length <= MaxArrayFields ? new RecordValue(changed) : new RecordValue(changed, []);
        }

        var fields = new Dictionary<string, CedarValue>(_table!.Count + 1, StringComparer.Ordinal);
        foreach (var (key, field) in _table)
        {
            fields.Add(key, field);
        }

        fields[name] = value;
        return new RecordValue(fields);
    }

    /// <summary>Looks a field up.</summary>
    public bool TryGetValue(string key, out CedarValue value)
    {
        if (_array is null)
        {
            return _table!.TryGetValue(key, out value!);
        }

        var at = IndexOf(_array, key);
        value = at < 0 ? null! : _array[at].Value;
        return at >= 0;
    }

    /// <summary>Whether the record has the field.</summary>
    public bool ContainsKey(string key) => _array is null ? _table!.ContainsKey(key) : IndexOf(_array, key) >= 0;

    /// <inheritdoc />
    public override bool Equals(CedarValue? other)
    {
        if (other is not RecordValue record || record.Count != Count)
        {
            return false;
        }

        foreach (var (key, value) in Pairs)
        {
            if (!record.TryGetValue(key, out var theirs) || !theirs.Equals(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = Count;
        foreach (var (key, value) in Pairs)
        {
            hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), value);
        }

        return hash;
    }

    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(", ", Pairs.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{CedarText.Quote(f.Key)}: {f.Value}")) + "}";

    private IEnumerable<KeyValuePair<string, CedarValue>> Pairs => (IEnumerable<KeyValuePair<string, CedarValue>>?)_array ?? _table!;

    private static int IndexOf(ReadOnlySpan<KeyValuePair<string, CedarValue>> fields, string key)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (string.Equals(fields[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Checked(string key, CedarValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return value is null ? throw new ArgumentException($"field `{key}` has no value") : key;
    }

    private static Dictionary<string, CedarValue> Table(KeyValuePair<string, CedarValue>[] fields)
    {
        var table = new Dictionary<string, CedarValue>(fields.Length, StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            table.Add(key, value);
        }

        return table;
    }

    // Room for the fields of a small record while it is gathered, on the stack.
    [System.Runtime.CompilerServices.InlineArray(MaxArrayFields)]
    private struct FieldBuffer
    {
        private KeyValuePair<string, CedarValue> _field;
    }
}
