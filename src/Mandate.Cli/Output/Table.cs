namespace Mandate.Cli.Output;

/// <summary>A plain-text table sized to its content, for people reading a terminal.</summary>
internal sealed class Table(params string[] headers)
{
    private const int MaxCell = 48;
    private readonly List<string[]> _rows = [];

    public Table Add(params string?[] cells)
    {
        _rows.Add([.. cells.Select(Cell)]);
        return this;
    }

    public void Write(TextWriter output)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        WriteRow(output, headers, widths);
        foreach (var row in _rows)
        {
            WriteRow(output, row, widths);
        }
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            output.Write(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        output.WriteLine();
    }

    private static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "-";
        }

        var flat = value.ReplaceLineEndings(" ");
        return flat.Length <= MaxCell ? flat : string.Concat(flat.AsSpan(0, MaxCell - 1), "…");
    }
}
