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
        _fields = new Dictionary<string, CedarValue>(StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            _fields[key] = value;
        }
    }

    /// <summary>The empty record.</summary>
    public static RecordValue Empty { get; } = new([]);

    /// <summary>The fields.</summary>
    public IReadOnlyDictionary<string, CedarValue> Fields => _readOnlyFields ??= new ReadOnlyDictionary<string, CedarValue>(_fields);

    /// <inheritdoc />
    public override CedarType Type => CedarType.Record;

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
