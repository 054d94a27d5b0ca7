using CloudIngress.TransportFloor;
using Microsoft.AspNetCore.Connections;
using System.Globalization;

// Kestrel's socket transport and pipes as the proxy sets them up (inline scheduling), with no
// HTTP stack and no upstream: what answering costs before any proxying is done.
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
{
    ContentRootPath = AppContext.BaseDirectory,
    Args = ["--hostBuilder:reloadConfigOnChange=false"],
});
builder.Logging.ClearProviders();
builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port, l => l.UseConnectionHandler<FixedAnswer>()));
await builder.Build().RunAsync();
