namespace CloudIngress.Soak;

/// <summary>How long and how hard: the defaults fit a 2-core machine shared with other work.</summary>
public sealed record SoakOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the manifests change.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Hosts offloaded with SNI; their certificate is rotated every few reloads.</summary>
    public int TlsHosts { get; init; } = 20;

    /// <summary>WebSockets held open the whole run.</summary>
    public int WebSockets { get; init; } = 4;

    /// <summary>Concurrent gRPC-like HTTP/2 duplex streams, each about <see cref="StreamLength"/> long.</summary>
    public int Streams { get; init; } = 4;

    public TimeSpan StreamLength { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause between two requests of one client loop (load shaping, not waiting for anything).</summary>
    public TimeSpan Pace { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Samples before this are warm-up: JIT, pools and caches filling.</summary>
    public TimeSpan WarmUp => Duration < TimeSpan.FromMinutes(2) ? Duration * 0.3 : TimeSpan.FromMinutes(1);
}
