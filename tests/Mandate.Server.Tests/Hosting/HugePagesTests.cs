using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Mandate.Authorization;
using Mandate.Core.Memory;
using Mandate.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Tests.Hosting;

/// <summary>Backing dense anonymous memory with huge pages: which memory qualifies, that content survives, and when a snapshot is collapsed.</summary>
public sealed class HugePagesTests
{
    private const long Chunk = 2 * 1024 * 1024;

    [Theory]
    [InlineData("7f0a00000000-7f0a04000000 rw-p 00000000 00:00 0 ", true)]
    [InlineData("55d1c9a3e000-55d1c9c00000 rw-p 00000000 00:00 0                          [heap]", true)]
    [InlineData("7ffd5f9a0000-7ffd5f9c1000 rw-p 00000000 00:00 0                          [stack]", false)]
    [InlineData("7f0a00000000-7f0a04000000 rw-s 00000000 00:05 1234                       /memfd:doublemapper (deleted)", false)]
    [InlineData("7f0a00000000-7f0a04000000 rw-p 00000000 08:01 5678                       /usr/lib/libc.so.6", false)]
    [InlineData("7f0a00000000-7f0a04000000 r--p 00000000 00:00 0 ", false)]
    [InlineData("7f0a00000000-7f0a04000000 ---p 00000000 00:00 0 ", false)]
    public void OnlyPrivateAnonymousReadWriteMappings_Qualify(string line, bool qualifies)
    {
        Assert.True(HugePages.Mapping.TryParse(line, out var mapping));
        Assert.Equal(qualifies, mapping.IsPrivateAnonymousReadWrite);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a mapping")]
    [InlineData("7f0a04000000-7f0a00000000 rw-p 00000000 00:00 0")]
    [InlineData("zz-7f0a04000000 rw-p 00000000 00:00 0")]
    [InlineData("7f0a00000000-7f0a04000000 rw-p 00000000 00:00")]
    public void MalformedLines_AreSkipped(string line) => Assert.False(HugePages.Mapping.TryParse(line, out _));

    [Fact]
    public void PathsWithSpaces_AreKeptWhole()
    {
        Assert.True(HugePages.Mapping.TryParse("7f0a00000000-7f0a04000000 rw-p 00000000 08:01 42    /tmp/a file (deleted)", out var mapping));

        Assert.Equal("/tmp/a file (deleted)", mapping.Path);
        Assert.Equal(42, mapping.Inode);
    }

    [Fact]
    public void Chunks_AreWholeAndAligned()
    {
        var mapping = new HugePages.Mapping(0x1ff000, 0x800000, "rw-p", 0, string.Empty);

        Assert.Equal([0x200000L, 0x400000L, 0x600000L], mapping.AlignedChunks(Chunk));
        Assert.Empty(new HugePages.Mapping(0x201000, 0x400000, "rw-p", 0, string.Empty).AlignedChunks(Chunk));
        Assert.Equal([0x200000L], new HugePages.Mapping(0x200000, 0x400000, "rw-p", 0, string.Empty).AlignedChunks(Chunk));
    }

    [Fact]
    public void AChunk_IsDenseFromThreeQuartersOfItsPagesResident()
    {
        var pages = new byte[512];
        pages.AsSpan(0, 383).Fill(1);
        Assert.False(HugePages.IsDense(pages));

        pages[383] = 1;
        Assert.True(HugePages.IsDense(pages));

        // Only bit 0 says a page is resident; the kernel may set others.
        pages.AsSpan().Fill(2);
        Assert.False(HugePages.IsDense(pages));
    }

    [Fact]
    public void Collapsing_KeepsEveryByte_AndBacksDenseMemoryWithHugePages()
    {
        // 16 MiB written end to end: at least seven whole aligned chunks, all resident.
        var data = new byte[16 * 1024 * 1024];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 31 + (i >> 12));
        }

        var pinned = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            var report = HugePages.Collapse();

            for (var i = 0; i < data.Length; i++)
            {
                Assert.Equal((byte)(i * 31 + (i >> 12)), data[i]);
            }

            if (report.UnsupportedReason is not null)
            {
                Assert.False(OperatingSystem.IsLinux() && ThpEnabled(), $"collapsing was skipped on a system with huge pages: {report.UnsupportedReason}");
                return;
            }

            Assert.True(report.Dense >= 7, report.ToString());
            Assert.Equal(report.Dense, report.Collapsed + report.Refused);
            if (report.Refused == 0)
            {
                // Nothing refused, so the array's chunks are huge pages now.
                Assert.True(AnonHugeBytesAround(pinned.AddrOfPinnedObject()) >= 7 * Chunk, report.ToString());
                Assert.True(HugePages.ProcessBytes() >= 7 * Chunk, report.ToString());
            }
        }
        finally
        {
            pinned.Free();
        }
    }

    [Fact]
    public void TheKernelsFigure_IsReadInBytes()
    {
        Assert.Equal(6 * Chunk, HugePages.AnonHugePages(["Rss:              812340 kB", "AnonHugePages:     12288 kB", "Swap: 0 kB"]));
        Assert.Null(HugePages.AnonHugePages(["Rss:              812340 kB"]));
        Assert.Null(HugePages.AnonHugePages(["AnonHugePages:     lots kB"]));
        Assert.Null(HugePages.AnonHugePages(["AnonHugePages:     12 MB"]));
        Assert.Null(HugePages.AnonHugePages(["AnonHugePages:     -1 kB"]));
        if (File.Exists("/proc/self/smaps_rollup"))
        {
            Assert.NotNull(HugePages.ProcessBytes());
        }
    }

    [Fact]
    public async Task TheMetrics_ReportTheLastCollapse_AndNothingBeforeOrWithoutOne()
    {
        await using var server = await TestServer.StartAsync();
        var events = server.Server.Services.GetRequiredService<EventPipeline>();
        HugePageReport? last = null;
        var scope = new object();
        using var metrics = new MandateMetrics(events, scope, () => last);

        Assert.DoesNotContain("mandate.snapshot.huge_pages.collapsed", Observe(scope).Keys);

        last = new HugePageReport(null, Chunks: 10, Dense: 8, Collapsed: 7, Refused: 1, "ENOMEM", Chunk, TimeSpan.FromMilliseconds(3));
        var observed = Observe(scope);
        Assert.Equal(7 * Chunk, observed["mandate.snapshot.huge_pages.collapsed"]);
        Assert.Equal(1, observed["mandate.snapshot.huge_pages.refused"]);
        Assert.Equal(File.Exists("/proc/self/smaps_rollup"), observed.ContainsKey("mandate.memory.huge_pages"));

        // A system that cannot collapse reports no collapse figures, rather than zeros.
        last = new HugePageReport("transparent huge pages are disabled on this system (enabled: never)", 0, 0, 0, 0, null, 0, TimeSpan.Zero);
        Assert.DoesNotContain("mandate.snapshot.huge_pages.refused", Observe(scope).Keys);

        var scopeWithout = new object();
        using var without = new MandateMetrics(events, scopeWithout);
        Assert.DoesNotContain(Observe(scopeWithout).Keys, name => name.StartsWith("mandate.snapshot.huge_pages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheServer_BacksItsSnapshotWithHugePages_UnlessTurnedOff()
    {
        await using (var on = await TestServer.StartAsync(o => o with { HugePages = true }))
        {
            Assert.NotNull(on.Server.Services.GetService<SnapshotHugePages>());
        }

        await using var off = await TestServer.StartAsync();
        Assert.Null(off.Server.Services.GetService<SnapshotHugePages>());
    }

    [Fact]
    public async Task TheSnapshotSource_SaysWhenARebuiltSnapshotIsInUse()
    {
        await using var server = await TestServer.StartAsync();
        var source = server.Server.Services.GetRequiredService<SnapshotSource>();
        var first = source.Current.Generation;
        var updated = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Updated += (_, _) => updated.TrySetResult(source.Current.Generation);

        await server.PostJsonAsync("/v1/policies", new { id = "p", text = "permit (principal, action, resource);" });

        Assert.True(await updated.Task.WaitAsync(TimeSpan.FromSeconds(30)) > first);
    }

    [Fact]
    public async Task ASnapshotInUse_IsCollapsedOnceItHasSettled()
    {
        var log = new CapturingLogger();
        await using var pages = new SnapshotHugePages(new ImmediateTime(), log);

        pages.SnapshotChanged();
        var line = await log.First.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(pages.LastReport?.ToString(), line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..]);
        Assert.Matches(OperatingSystem.IsLinux() && ThpEnabled() ? "^decision snapshot in use: \\d+ MiB in huge pages" : "^huge pages are not used: ", line);
    }

    [Fact]
    public async Task ChangesAfterShutdown_AreIgnored()
    {
        var pages = new SnapshotHugePages(TimeProvider.System, new CapturingLogger());
        await pages.DisposeAsync();

        pages.SnapshotChanged();
        await pages.DisposeAsync();
    }

    private static bool ThpEnabled() =>
        File.Exists("/sys/kernel/mm/transparent_hugepage/enabled")
        && !File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Contains("[never]", StringComparison.Ordinal);

    // AnonHugePages of the mapping holding the address, from /proc/self/smaps.
    private static long AnonHugeBytesAround(nint address)
    {
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            if (HugePages.Mapping.TryParse(line, out var mapping))
            {
                inside = mapping.Start <= address && address < mapping.End;
            }
            else if (inside && HugePages.AnonHugePages([line]) is { } bytes)
            {
                return bytes;
            }
        }

        return 0;
    }

    // The latest value of each observable instrument of the meter with this scope.
    private static Dictionary<string, long> Observe(object scope)
    {
        var observed = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => observed[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return observed;
    }

    /// <summary>Every delay and timer fires at once.</summary>
    private sealed class ImmediateTime : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(callback, state, TimeSpan.Zero, period == Timeout.InfiniteTimeSpan ? period : TimeSpan.FromMilliseconds(1));
    }

    private sealed class CapturingLogger : ILogger<SnapshotHugePages>
    {
        public TaskCompletionSource<string> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            First.TrySetResult(formatter(state, exception));
    }
}
