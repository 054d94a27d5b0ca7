using CloudIngress.Core.Build;
using CloudIngress.Core.Annotations;
using CloudIngress.Proxy;
using System.CommandLine;

namespace CloudIngress.Controller.Cli;

/// <summary>The data-plane flags <c>serve</c> and <c>demo</c> share.</summary>
internal sealed class ProxyFlags
{
    public Option<string> Bind { get; } = EnvOption.String("--bind", "Address to listen on (0.0.0.0 or :: for all)", "127.0.0.1");

    public Option<int> HttpPort { get; } = EnvOption.Int("--http-port", "HTTP port (0 picks a free one)", 8080);

    public Option<int> HttpsPort { get; } = EnvOption.Int("--https-port", "HTTPS port: TLS offload, bridge and SNI passthrough (0 picks a free one)", 8443);

    public Option<int> AdminPort { get; } = EnvOption.Int("--admin-port", "Admin port: /healthz, /readyz, /metrics (0 picks a free one)", 10254);

    public Option<string> AccessLog { get; } = EnvOption.String("--access-log", "Access log: stdout, off, or a file path (one JSON line per request)", "stdout");

    public Option<int> RequestTimeout { get; } = EnvOption.Int("--request-timeout", "Seconds to wait for a backend's response, and between two reads of its body", 60);

    public Option<int> ShutdownTimeout { get; } = EnvOption.Int("--shutdown-timeout", "Seconds to drain in-flight requests on shutdown", 30);

    public Option<string> MaxBody { get; } = EnvOption.String("--max-request-body-size", "Default request body limit (8m, 1g, bytes; 0 = unlimited)", "1g");

    public Option<bool> Forwarded { get; } = EnvOption.Bool("--forwarded-header", "Also send the RFC 7239 Forwarded header to backends");

    public Option<bool> KestrelHttp1 { get; } = EnvOption.Bool("--kestrel-http1", "Serve HTTP/1.1 with Kestrel's HTTP stack instead of the proxy's own engine (the previous data path, for comparison)");

    public IEnumerable<Option> All => [Bind, HttpPort, HttpsPort, AdminPort, AccessLog, RequestTimeout, ShutdownTimeout, MaxBody, Forwarded, KestrelHttp1];

    /// <summary>The proxy options, or an error message naming the bad flag.</summary>
    public (ProxyOptions? Options, string? Error) Read(ParseResult parse, TextWriter output)
    {
        var bind = parse.GetValue(Bind)!;
        if (!System.Net.IPAddress.TryParse(bind, out _))
        {
            return (null, $"--bind: \"{bind}\" is not an IP address");
        }

        foreach (var port in new[] { HttpPort, HttpsPort, AdminPort })
        {
            if (parse.GetValue(port) is < 0 or > 65535)
            {
                return (null, $"{port.Name}: {parse.GetValue(port)} is not a port");
            }
        }

        if (!ValueParsers.TryParseSize(parse.GetValue(MaxBody)!, out var maxBody))
        {
            return (null, $"--max-request-body-size: \"{parse.GetValue(MaxBody)}\" is not a size");
        }

        var accessLog = parse.GetValue(AccessLog)!;
        TextWriter? sink = accessLog switch
        {
            "off" => null,
            "stdout" => output,
            _ => new StreamWriter(accessLog, append: true) { AutoFlush = false },
        };

        var httpsPort = parse.GetValue(HttpsPort);
        return (new ProxyOptions
        {
            BindAddress = bind,
            HttpPort = parse.GetValue(HttpPort),
            HttpsPort = httpsPort,
            AdminPort = parse.GetValue(AdminPort),
            PublicHttpsPort = httpsPort == 0 ? null : httpsPort,
            RequestTimeout = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(RequestTimeout))),
            ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(ShutdownTimeout))),
            MaxRequestBodyBytes = maxBody == 0 ? null : maxBody,
            AddForwardedHeader = parse.GetValue(Forwarded),
            Http1Engine = !parse.GetValue(KestrelHttp1),
            AccessLog = sink,
        }, null);
    }

    public static BuildOptions BuildOptionsFor(string ingressClass) => BuildOptions.Default with { IngressClassName = ingressClass };
}
