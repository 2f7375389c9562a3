using System.CommandLine;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mandate.Cli.Http;
using Mandate.Cli.Output;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>mandate import cloudtrail|k8s-audit PATH...</c>: sends external logs (files, <c>.gz</c> files or directories of
/// them) to the server, which normalizes them, attributes actors to identities and records unmanaged ones.
/// </summary>
internal static class ImportCommands
{
    /// <summary>Records per request: well under the server's limits on count and size.</summary>
    private const int ChunkRecords = 2000;

    public static Command Create()
    {
        var import = new Command("import", "Import external identity telemetry into the event stream");
        import.Subcommands.Add(FormatCommand("cloudtrail", "AWS CloudTrail log files ({\"Records\": [...]} JSON, optionally .gz)", CloudTrailRecords));
        import.Subcommands.Add(FormatCommand("k8s-audit", "Kubernetes audit logs (JSON lines of audit.k8s.io/v1 events, optionally .gz)", JsonLines));
        return import;
    }

    private static Command FormatCommand(string format, string description, Func<Stream, IEnumerable<string>> records)
    {
        var paths = new Argument<string[]>("PATH") { Description = "Files or directories (searched recursively)", Arity = ArgumentArity.OneOrMore };
        var command = new Command(format, description) { paths };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var failed = false;
            long imported = 0, attributed = 0, skipped = 0, duplicates = 0;
            var discovered = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var file in Files(parse.GetValue(paths)!))
            {
                var offset = 0;
                await using var stream = Open(file);
                using var chunks = records(stream).Chunk(ChunkRecords).GetEnumerator();
                while (true)
                {
                    string[] chunk;
                    try
                    {
                        if (!chunks.MoveNext())
                        {
                            break;
                        }

                        chunk = chunks.Current;
                    }
                    catch (Exception ex) when (ex is JsonException or InvalidDataException or CliException)
                    {
                        failed = true;
                        await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {file}: cannot be read as {format}: {ex.Message}");
                        break;
                    }

                    using var content = new StringContent(string.Join('\n', chunk), Encoding.UTF8);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                    try
                    {
                        var result = await cli.Client.SendContentAsync<JsonElement>(HttpMethod.Post, $"v1/imports/{format}", content, ct);
                        imported += result.GetProperty("imported").GetInt64();
                        attributed += result.GetProperty("attributed").GetInt64();
                        skipped += result.GetProperty("skipped").GetInt64();
                        duplicates += result.GetProperty("duplicates").GetInt64();
                        discovered.UnionWith(result.GetProperty("discovered").EnumerateArray().Select(d => d.GetString()!));
                    }
                    catch (CliException ex)
                    {
                        failed = true;
                        await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {file} (records {offset} to {offset + chunk.Length - 1}): {ex.Message}");
                    }

                    offset += chunk.Length;
                }

                if (!cli.AsJson)
                {
                    cli.Out.WriteLine($"{file}: {offset} records");
                }
            }

            cli.Print(new { imported, attributed, skipped, duplicates, discovered }, (s, o) =>
            {
                o.WriteLine($"imported {s.imported} events ({s.attributed} attributed to managed identities, {s.skipped} records skipped, {s.duplicates} already imported)");
                o.WriteLine(s.discovered.Count == 0 ? "no unmanaged principals" : $"unmanaged principals ({s.discovered.Count}), see GET /v1/discovered-identities:");
                foreach (var principal in s.discovered)
                {
                    o.WriteLine($"  {principal}");
                }
            });
            return failed ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return command;
    }

    private static IEnumerable<string> Files(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
            else if (File.Exists(path))
            {
                yield return path;
            }
            else
            {
                throw new CliException($"`{path}` is neither a file nor a directory", ExitCodes.Usage);
            }
        }
    }

    /// <summary>Opens a file, decompressing it when it is gzip (by its magic bytes, whatever its name).</summary>
    private static Stream Open(string file)
    {
        var stream = File.OpenRead(file);
        Span<byte> magic = stackalloc byte[2];
        var gzip = stream.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        stream.Position = 0;
        return gzip ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    /// <summary>A CloudTrail log file's records, each as one line of JSON.</summary>
    private static IEnumerable<string> CloudTrailRecords(Stream stream)
    {
        using var document = JsonDocument.Parse(stream);
        if (!document.RootElement.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            throw new CliException("not a CloudTrail log file: it has no `Records` array");
        }

        foreach (var record in records.EnumerateArray())
        {
            yield return record.GetRawText().ReplaceLineEndings(" ");
        }
    }

    private static IEnumerable<string> JsonLines(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return line;
            }
        }
    }
}
