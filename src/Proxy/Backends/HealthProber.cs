using CloudIngress.Core.Annotations;
using CloudIngress.Proxy.Routing;
using System.Globalization;
using System.Net.Sockets;

namespace CloudIngress.Proxy.Backends;

/// <summary>
/// Active health checks for pools that ask for them: an HTTP GET (success codes) or a TCP connect
/// per endpoint and interval; an endpoint leaves rotation after the unhealthy threshold of failures
/// in a row and returns after the healthy threshold of successes. Intervals and timeouts run on
/// <paramref name="time"/>.
/// </summary>
internal sealed class HealthProber(ProxyState state, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<EndpointState, long> _due = [];
    private Task? _loop;

    public void Start() => _loop = Task.Run(LoopAsync);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await ProbeDueAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ProbeDueAsync()
    {
        var table = state.Acquire();
        try
        {
            await ProbeDueAsync(table);
        }
        finally
        {
            table.Release();
        }
    }

    private async Task ProbeDueAsync(RouteTable table)
    {
        var now = _time.GetTimestamp();
        var probes = new List<Task>();
        var seen = new HashSet<EndpointState>();
        foreach (var backend in table.Backends)
        {
            if (backend.Model.HealthCheck is not { } check)
            {
                continue;
            }

            foreach (var endpoint in backend.Endpoints)
            {
                seen.Add(endpoint);
                if (_due.TryGetValue(endpoint, out var due) && due > now)
                {
                    continue;
                }

                _due[endpoint] = now + (check.IntervalSeconds * _time.TimestampFrequency);
                probes.Add(ProbeAsync(backend, endpoint, check));
            }
        }

        foreach (var gone in _due.Keys.Where(e => !seen.Contains(e)).ToList())
        {
            _due.Remove(gone);
        }

        await Task.WhenAll(probes);
    }

    private async Task ProbeAsync(BackendRuntime backend, EndpointState endpoint, HealthCheckSettings check)
    {
        // A linked source cannot take a clock, so the deadline is a source of its own.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(check.TimeoutSeconds), _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, deadline.Token);
        var port = check.Port ?? endpoint.Port;
        var protocol = check.Protocol ?? (backend.Model.Protocol is BackendProtocol.Tcp or BackendProtocol.Udp ? "TCP" : "HTTP");
        bool healthy;
        try
        {
            healthy = protocol == "TCP"
                ? await TcpProbeAsync(endpoint, port, timeout.Token)
                : await HttpProbeAsync(backend, endpoint, port, check, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or OperationCanceledException)
        {
            healthy = false;
        }

        if (!_stop.IsCancellationRequested)
        {
            endpoint.RecordProbe(healthy, check.HealthyThreshold, check.UnhealthyThreshold);
        }
    }

    private static async Task<bool> TcpProbeAsync(EndpointState endpoint, int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new System.Net.DnsEndPoint(endpoint.Address, port), cancellationToken);
        return true;
    }

    private static async Task<bool> HttpProbeAsync(BackendRuntime backend, EndpointState endpoint, int port, HealthCheckSettings check,
        CancellationToken cancellationToken)
    {
        var authority = port == endpoint.Port ? endpoint.Authority : endpoint.Authority[..endpoint.Authority.LastIndexOf(':')] + ":" + port;
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://" + authority + check.Path)
        {
            Version = backend.Transport.Version,
            VersionPolicy = backend.Transport.VersionPolicy,
        };
        request.Headers.UserAgent.ParseAdd("cloudingress-health-check");
        using var response = await backend.Transport.Invoker.SendAsync(request, cancellationToken);
        return Matches(check.SuccessCodes, (int)response.StatusCode);
    }

    /// <summary>ALB matcher syntax: <c>200</c>, <c>200,204</c>, <c>200-399</c>.</summary>
    internal static bool Matches(string codes, int status) =>
        codes.Split(',').Any(part =>
        {
            var bounds = part.Split('-');
            var low = int.Parse(bounds[0], CultureInfo.InvariantCulture);
            var high = bounds.Length > 1 ? int.Parse(bounds[1], CultureInfo.InvariantCulture) : low;
            return status >= low && status <= high;
        });
}
