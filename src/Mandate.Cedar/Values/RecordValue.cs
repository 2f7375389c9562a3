using System.Collections.ObjectModel;

namespace Mandate.Cedar.Values;

/// <summary>A Cedar record: attribute names mapped to values, compared field by field.</summary>
public sealed class RecordValue : CedarValue
{
    // A plain dictionary: records are built per request (contexts, literals), where freezing costs more than it saves.
    private readonly Dictionary<string, CedarValue> _fields;
    private ReadOnlyDictionary<string, CedarValue>? _readOnlyFields;

    /// <summary>Creates a record; later duplicates of a key replace earlier ones.</summary>
    public RecordValue(IEnumerable<KeyValuePair<string, CedarValue>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);

        // Records are built on every request (contexts): size the table once, and walk an array without an enumerator object.
        _fields = new Dictionary<string, CedarValue>(fields.TryGetNonEnumeratedCount(out var count) ? count : 0, StringComparer.Ordinal);
        if (fields is KeyValuePair<string, CedarValue>[] array)
        {
            foreach (var (key, value) in array)
            {
                _fields[key] = value;
            }

            return;
        }

        foreach (var (key, value) in fields)
        {
            _fields[key] = value;
        }
    }

    /// <summary>
    /// Creates a record of <paramref name="fields"/> (later duplicates of a key replace earlier ones) that also has each of
    /// <paramref name="defaults"/> the fields do not: a caller that always adds a field (say, the time of a request) gets
    /// one record instead of a copy.
    /// </summary>
    public RecordValue(ReadOnlySpan<KeyValuePair<string, CedarValue>> fields, ReadOnlySpan<KeyValuePair<string, CedarValue>> defaults)
    {
        _fields = new Dictionary<string, CedarValue>(fields.Length + defaults.Length, StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            _fields[key] = value ?? throw new ArgumentException($"field `{key}` has no value", nameof(fields));
        }

        foreach (var (key, value) in defaults)
        {
            _fields.TryAdd(key, value ?? throw new ArgumentException($"default `{key}` has no value", nameof(defaults)));
        }
    }

    /// <summary>Takes <paramref name="fields"/> (keyed by ordinal comparison, and no longer changed by the caller) as the record's own.</summary>
    internal RecordValue(Dictionary<string, CedarValue> fields) => _fields = fields;

    /// <summary>The empty record.</summary>
    public static RecordValue Empty { get; } = new([]);

    /// <summary>The fields.</summary>
    public IReadOnlyDictionary<string, CedarValue> Fields => _readOnlyFields ??= new ReadOnlyDictionary<string, CedarValue>(_fields);

    /// <inheritdoc />
    public override CedarType Type => CedarType.Record;

    /// <summary>This record with <paramref name="name"/> set to <paramref name="value"/>, replacing any field of that name.</summary>
    public RecordValue With(string name, CedarValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var fields = new Dictionary<string, CedarValue>(_fields.Count + 1, StringComparer.Ordinal);
        foreach (var (key, field) in _fields)
        {
            fields.Add(key, field);
        }

        fields[name] = value;
        return new RecordValue(fields);
    }

    /// <summary>Looks a field up.</summary>
    public bool TryGetValue(string key, out CedarValue value) => _fields.TryGetValue(key, out value!);

    /// <summary>Whether the record has the field.</summary>
    public bool ContainsKey(string key) => _fields.ContainsKey(key);

    /// <inheritdoc />
    public override bool Equals(CedarValue? other)
    {
        if (other is not RecordValue record || record._fields.Count != _fields.Count)
        {
            return false;
        }

        foreach (var (key, value) in _fields)
        {
            if (!record._fields.TryGetValue(key, out var theirs) || !theirs.Equals(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = _fields.Count;
        foreach (var (key, value) in _fields)
        {
            hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), value);
        }

        return hash;
    }

    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(", ", _fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{CedarText.Quote(f.Key)}: {f.Value}")) + "}";
}
