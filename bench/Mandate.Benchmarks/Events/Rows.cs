using System.Data.Common;

namespace Mandate.Benchmarks.Events;

/// <summary>Reading a reference engine's answer the same way for every engine: every row, counted.</summary>
internal static class Rows
{
    public static int CountRows(this DbCommand query)
    {
        using var reader = query.ExecuteReader();
        var rows = 0;
        while (reader.Read())
        {
            rows++;
        }

        return rows;
    }
}
