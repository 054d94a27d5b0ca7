using BenchmarkDotNet.Attributes;
using CloudIngress.Core.Model;
using CloudIngress.Proxy;
using CloudIngress.Proxy.Engine;
using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Routing;
using System.Buffers;
using System.Text;

namespace CloudIngress.Benchmarks;

/// <summary>
/// The HTTP/1.1 engine's per-request front: strict head parsing and the route lookup on the
/// head's bytes, against a table of 1,000 hosts (5 paths each) plus wildcards. Allocations must
/// stay at zero: the keep-alive path allocates nothing per request.
/// </summary>
[MemoryDiagnoser]
public class Http1HeadBenchmark
{
    private static readonly ReadOnlySequence<byte> WrkHead = new(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost:17080\r\n\r\n"));

    private static readonly ReadOnlySequence<byte> BrowserHead = new(Encoding.ASCII.GetBytes(
        "GET /api/v1/orders/12345?expand=items&page=2 HTTP/1.1\r\nHost: shop-417.example.com\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
        + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Language: en-GB,en;q=0.5\r\n"
        + "Accept-Encoding: gzip, deflate, br, zstd\r\nConnection: keep-alive\r\nCookie: session=0123456789abcdef0123456789abcdef; theme=dark\r\n"
        + "Upgrade-Insecure-Requests: 1\r\nSec-Fetch-Dest: document\r\nSec-Fetch-Mode: navigate\r\nPriority: u=0, i\r\n\r\n"));

    private readonly RequestHead _head = new(HeadLimits.From(new ProxyOptions()));
    private HostTable _table = HostTable.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var action = CompiledAction.NotFound;
        var entries = new List<(string, HostMatchKind, CompiledRoute[])>();
        for (var i = 0; i < 1_000; i++)
        {
            var host = $"shop-{i}.example.com";
            var routes = new[] { "/api/v1/orders", "/api/v1", "/static", "/login", "/" }
                .Select(path => new CompiledRoute { Id = host + path, Kind = PathMatchKind.Prefix, Path = path, Action = action, Metrics = new RouteMetrics(host, host) })
                .ToArray();
            entries.Add((host, HostMatchKind.Exact, routes));
        }

        entries.Add(("*.example.com", HostMatchKind.Wildcard, [new CompiledRoute { Id = "w", Kind = PathMatchKind.Prefix, Path = "/", Action = action, Metrics = new RouteMetrics("w", "w") }]));
        entries.Add(("localhost", HostMatchKind.Exact, [new CompiledRoute { Id = "l", Kind = PathMatchKind.Prefix, Path = "/", Action = action, Metrics = new RouteMetrics("l", "l") }]));
        _table = new HostTable(new HostLookup<CompiledRoute[]>(entries), action, new RouteMetrics("none", "*"));
        if (ParseAndRouteBrowserHead() != "shop-417.example.com/api/v1/orders" || ParseAndRouteWrkHead() != "l")
        {
            throw new InvalidOperationException("the benchmark heads do not route where they should");
        }
    }

    [Benchmark]
    public int ParseWrkHead()
    {
        _head.Reset();
        _head.Parse(WrkHead);
        return _head.Length;
    }

    [Benchmark]
    public int ParseBrowserHead()
    {
        _head.Reset();
        _head.Parse(BrowserHead);
        return _head.Length;
    }

    [Benchmark]
    public string? ParseAndRouteWrkHead()
    {
        _head.Reset();
        _head.Parse(WrkHead);
        RequestRouting.TryMatch(_table, _head, out var route);
        return route?.Id;
    }

    [Benchmark]
    public string? ParseAndRouteBrowserHead()
    {
        _head.Reset();
        _head.Parse(BrowserHead);
        RequestRouting.TryMatch(_table, _head, out var route);
        return route?.Id;
    }
}
