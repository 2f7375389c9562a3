using Mandate.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Internal;

/// <summary>Turns constraint failures that slipped past the explicit checks into stable refusals.</summary>
internal static class SqliteErrors
{
    private const int ConstraintForeignKey = 787;
    private const int ConstraintPrimaryKey = 1555;
    private const int ConstraintUnique = 2067;

    public static MandateException? Translate(SqliteException exception) => exception.SqliteExtendedErrorCode switch
    {
        ConstraintPrimaryKey or ConstraintUnique => new MandateException(ErrorCode.Conflict, "an object with that id or key already exists"),
        ConstraintForeignKey => new MandateException(ErrorCode.NotFound, "a referenced object does not exist"),
        _ => null,
    };
}
