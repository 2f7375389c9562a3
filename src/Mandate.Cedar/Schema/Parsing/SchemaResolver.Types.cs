namespace Mandate.Cedar.Schema.Parsing;

internal sealed partial class SchemaResolver
{
    /// <summary>How deeply a type may nest counting the common types it goes through; deeper is refused before it can exhaust the stack.</summary>
    internal const int MaxResolutionDepth = 512;

    private int _depth;

    private SchemaType ResolveType(RawType type, string space)
    {
        if (++_depth > MaxResolutionDepth)
        {
            throw Error("schema.too-deep", $"a type nests more than {MaxResolutionDepth} levels deep through sets, records and common types", type.Position);
        }

        try
        {
            return ResolveTypeCore(type, space);
        }
        finally
        {
            _depth--;
        }
    }

    private SchemaType ResolveTypeCore(RawType type, string space) => type switch
    {
        RawPrimitiveType primitive => new PrimitiveType(primitive.Kind),
        RawSetType set => new SetType(ResolveType(set.Element, space)),
        RawRecordType record => ResolveRecord(record, space),
        RawEntityRefType entity => new EntityRefType(ResolveEntityTypeName(entity.Path, space, entity.Position)),
        RawExtensionType extension => ResolveExtension(extension),
        RawNamedType named => ResolveNamed(named, space),
        _ => throw new InvalidOperationException("unknown raw type"),
    };

    private RecordType ResolveRecord(RawRecordType record, string space)
    {
        var attributes = new Dictionary<string, AttributeType>(StringComparer.Ordinal);
        foreach (var attribute in record.Attributes)
        {
            if (!attributes.TryAdd(attribute.Name, new AttributeType(ResolveType(attribute.Type, space), attribute.Required)))
            {
                throw Error("schema.duplicate", $"attribute `{attribute.Name}` is declared twice", attribute.Position);
            }
        }

        return new RecordType(attributes);
    }

    private static ExtensionType ResolveExtension(RawExtensionType extension)
    {
        var name = extension.Name.StartsWith(BuiltinPrefix, StringComparison.Ordinal) ? extension.Name[BuiltinPrefix.Length..] : extension.Name;
        return ExtensionType.Known.Contains(name)
            ? new ExtensionType(name)
            : throw Error("schema.unknown-extension", $"unknown extension type `{extension.Name}`", extension.Position);
    }

    private SchemaType ResolveNamed(RawNamedType named, string space)
    {
        var path = named.Path;
        if (path.StartsWith(BuiltinPrefix, StringComparison.Ordinal))
        {
            return Builtin(path[BuiltinPrefix.Length..])
                ?? throw Error("schema.undeclared-type", $"`{path}` is not a builtin type", named.Position);
        }

        if (path.Contains("::", StringComparison.Ordinal))
        {
            return CommonOrEntity(path)
                ?? throw Error("schema.undeclared-type", $"undeclared type `{path}`: no common type or entity type has this name", named.Position);
        }

        return CommonOrEntity(Qualify(space, path))
            ?? CommonOrEntity(path)
            ?? Builtin(path)
            ?? throw Error(
                "schema.undeclared-type",
                space.Length == 0
                    ? $"undeclared type `{path}`: it is not a common type, an entity type or a builtin type"
                    : $"undeclared type `{path}`: neither `{Qualify(space, path)}` nor `{path}` is a common type or an entity type, and it is not a builtin type",
                named.Position);
    }

    private SchemaType? CommonOrEntity(string qualified)
    {
        if (_commonTypes.ContainsKey(qualified))
        {
            return ResolveCommonType(qualified);
        }

        return _entityTypes.ContainsKey(qualified) ? new EntityRefType(qualified) : null;
    }

    private SchemaType ResolveCommonType(string qualified)
    {
        if (_resolvedCommonTypes.TryGetValue(qualified, out var done))
        {
            return done;
        }

        var (declaration, space) = _commonTypes[qualified];
        if (!_resolving.Add(qualified))
        {
            throw Error("schema.type-cycle", $"common type `{qualified}` is defined in terms of itself", declaration.Position);
        }

        var type = ResolveType(declaration.Type, space);
        _resolving.Remove(qualified);
        _resolvedCommonTypes[qualified] = type;
        return type;
    }

    private static SchemaType? Builtin(string name) => name switch
    {
        "Long" => SchemaType.Long,
        "String" => SchemaType.String,
        "Bool" => SchemaType.Bool,
        _ when ExtensionType.Known.Contains(name) => new ExtensionType(name),
        _ => null,
    };

    private string ResolveEntityTypeName(string path, string space, SourcePosition position)
    {
        if (path.Contains("::", StringComparison.Ordinal))
        {
            return _entityTypes.ContainsKey(path)
                ? path
                : throw Error("schema.undeclared-type", $"undeclared entity type `{path}`", position);
        }

        var local = Qualify(space, path);
        if (_entityTypes.ContainsKey(local))
        {
            return local;
        }

        return _entityTypes.ContainsKey(path)
            ? path
            : throw Error("schema.undeclared-type", $"undeclared entity type `{local}`", position);
    }
}
