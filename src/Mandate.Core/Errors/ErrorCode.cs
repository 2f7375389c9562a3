namespace Mandate.Core.Errors;

/// <summary>Stable, machine-readable error codes shared by every API surface.</summary>
public static class ErrorCode
{
    /// <summary>The input is malformed or breaks a rule; the message says which.</summary>
    public const string InvalidArgument = "invalid_argument";

    /// <summary>The addressed object does not exist.</summary>
    public const string NotFound = "not_found";

    /// <summary>An object with that id already exists, or the change contradicts stored state.</summary>
    public const string Conflict = "conflict";

    /// <summary>The object changed since it was read; read it again and retry.</summary>
    public const string VersionConflict = "version_conflict";

    /// <summary>The caller is authenticated but not allowed to do this.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The caller did not prove who it is.</summary>
    public const string Unauthenticated = "unauthenticated";
}
