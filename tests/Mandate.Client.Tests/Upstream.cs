using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Client.Tests;

/// <summary>A tiny invoice service on Kestrel (127.0.0.1, free port) that counts the requests that reach it.</summary>
public sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;

    private Upstream(WebApplication app) => _app = app;

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public int Hits => Volatile.Read(ref _hits);

    public static async Task<Upstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new Upstream(app);
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref upstream._hits);
            return next(context);
        });
        app.MapGet("/invoices/{id}", (string id) => Results.Json(new { invoice = id, amount = 120 }));
        app.MapPost("/invoices/{id}/pay", (string id) => Results.Json(new { paid = id }));
        app.MapGet("/healthz", () => Results.Text("ok"));
        await app.StartAsync();
        return upstream;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
