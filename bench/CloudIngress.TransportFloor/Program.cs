using CloudIngress.TransportFloor;
using Microsoft.AspNetCore.Connections;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

// Kestrel's socket transport and pipes as the proxy sets them up (inline scheduling), with no
// HTTP stack and no upstream: what answering costs before any proxying is done. With a
// certificate and key (PEM files), behind Kestrel's TLS layer (UseHttps), as the proxy's HTTPS port.
//   CloudIngress.TransportFloor PORT [CERT.pem KEY.pem]
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
using var certificate = args.Length > 2 ? X509Certificate2.CreateFromPemFile(args[1], args[2]) : null;
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
{
    ContentRootPath = AppContext.BaseDirectory,
    Args = ["--hostBuilder:reloadConfigOnChange=false"],
});
builder.Logging.ClearProviders();
builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port, l =>
{
    if (certificate is not null)
    {
        l.UseHttps(certificate);
    }

    l.UseConnectionHandler<FixedAnswer>();
}));
await builder.Build().RunAsync();
