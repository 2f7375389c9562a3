using System.IO.Pipelines;
using System.Text;
using Mandate.Server.Access;
using Mandate.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mandate.Server.Tests.Hosting;

/// <summary>
/// Answers are serialized into a per-thread buffer and copied into a started response; one whose start has to wait keeps
/// a copy of its own, so the thread's next answer cannot overwrite it.
/// </summary>
public sealed class JsonBodyTests
{
    [Fact]
    public async Task AnAnswer_IsWrittenWholeWithItsLength()
    {
        var body = new MemoryStream();
        var http = Context(new StreamResponseBodyFeature(body));

        await JsonBody.WriteAsync(http, new EvaluationResponse(true), AccessJsonContext.Default.EvaluationResponse);

        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", http.Response.ContentType);
        Assert.Equal("""{"decision":true}""", Encoding.UTF8.GetString(body.ToArray()));
        Assert.Equal(body.Length, http.Response.ContentLength);
    }

    [Fact]
    public async Task AnAnswerWhoseResponseStartsLate_IsNotOverwrittenByTheThreadsNextAnswer()
    {
        var late = new LateStart();
        var first = Context(late);
        var writing = JsonBody.WriteAsync(first, new EvaluationResponse(true), AccessJsonContext.Default.EvaluationResponse);
        Assert.False(writing.IsCompleted);

        // The same thread answers another request meanwhile, in the same buffer.
        var secondBody = new MemoryStream();
        await JsonBody.WriteAsync(Context(new StreamResponseBodyFeature(secondBody)), new EvaluationResponse(false), AccessJsonContext.Default.EvaluationResponse);

        late.Start();
        await writing;
        Assert.Equal("""{"decision":true}""", Encoding.UTF8.GetString(late.Written.ToArray()));
        Assert.Equal("""{"decision":false}""", Encoding.UTF8.GetString(secondBody.ToArray()));
    }

    private static DefaultHttpContext Context(IHttpResponseBodyFeature body)
    {
        var http = new DefaultHttpContext();
        http.Features.Set(body);
        return http;
    }

    /// <summary>A response body whose start waits (as when work registered to run at the start has not finished).</summary>
    private sealed class LateStart : IHttpResponseBodyFeature
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LateStart() => Writer = PipeWriter.Create(Written);

        public MemoryStream Written { get; } = new();

        public Stream Stream => Written;

        public PipeWriter Writer { get; }

        public void Start() => _started.SetResult();

        public Task StartAsync(CancellationToken cancellationToken = default) => _started.Task;

        public Task CompleteAsync() => Task.CompletedTask;

        public void DisableBuffering()
        {
        }

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
