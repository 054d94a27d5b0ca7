using CloudIngress.AwsBench;
using CloudIngress.Core.Build;
using CloudIngress.Core.Providers;
using CloudIngress.Providers.Aws;
using CloudIngress.Providers.Aws.Clients;
using System.Diagnostics;
using System.Globalization;

// The AWS provider at scale: the calls each step of a cluster's life costs, through the provider
// contract (what the reconciler calls), against moto or any ELBv2/EC2/ACM endpoint.
// Usage: dotnet run -c Release --project bench/CloudIngress.AwsBench [-- SIZES [--endpoint URL]]
//   SIZES: comma-separated Ingress counts (default 300,3000). Without --endpoint a moto_server of
//   its own is started for each size on a free loopback port, and stopped after it.
// Client-side rate limits are lifted (moto does not throttle); the last column replays each step's
// calls through the default buckets (AWS's documented throttling) instead: the time they alone
// would impose on AWS.
var culture = CultureInfo.InvariantCulture;
var sizes = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal)
    ? args[0].Split(',').Select(s => int.Parse(s, culture)).ToList()
    : [300, 3000];
var endpointArg = args.SkipWhile(a => a != "--endpoint").Skip(1).FirstOrDefault();

foreach (var size in sizes)
{
    await using var moto = endpointArg is null ? await MotoServer.StartAsync() : null;
    var endpoint = endpointArg is null ? moto!.Url : new Uri(endpointArg);
    var log = new CallLog();
    var clients = new AwsClients(
        new AwsSettings { Region = "us-east-1", Endpoint = endpoint, RateLimits = AwsRateLimits.None, FullReadsPerSecond = 0, RequestTimeout = TimeSpan.FromMinutes(2) },
        AwsCredentialChain.Static(new AwsCredentials("testing", "testing")), log);
    using var provider = new AwsCloudProvider(clients, new AwsProviderOptions { ClusterName = "bench" + size.ToString(culture) });
    var start = new BenchCluster(size) { Tls = BenchCluster.NewCertificate() };
    var podAdded = start with { ExtraPodOf = 2 };
    var ingressAdded = podAdded with { Added = 1 };
    // The last of the first Ingresses: an HTTP-only one (the first of each group also serves HTTPS).
    var ingressDeleted = ingressAdded with { Deleted = size - 1 };
    var rotated = ingressDeleted with { Tls = BenchCluster.NewCertificate() };
    (string Step, BenchCluster Cluster, bool FullResync)[] steps =
    [
        ("first apply", start, true),
        ("apply again, nothing changed", start, false),
        ("one pod added", podAdded, false),
        ("one Ingress added", ingressAdded, false),
        ("one Ingress deleted", ingressDeleted, false),
        ("one certificate rotated", rotated, false),
        ("full resync", rotated, true),
    ];

    Console.WriteLine($"## {size.ToString("N0", culture)} Ingresses ({size / BenchCluster.PerGroup} groups), {endpoint}");
    Console.WriteLine();
    Console.WriteLine("| step | API calls | mutating | time against the endpoint | time at the default rate limits |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
    var details = new List<string>();
    IReadOnlyList<ApiCall> before = [];
    foreach (var (step, cluster, fullResync) in steps)
    {
        var model = ModelBuilder.Build(cluster.Snapshot());
        log.Take();
        var clock = Stopwatch.StartNew();
        var result = await provider.ApplyAsync(model, fullResync, CancellationToken.None);
        clock.Stop();
        var calls = result.Calls.Select(c => (c.Operation, c.Mutating, Count: c.Count - (before.FirstOrDefault(b => b.Operation == c.Operation)?.Count ?? 0)))
            .Where(c => c.Count > 0).ToList();
        before = result.Calls;
        // A full resync's read is paced at --aws-full-read-rate (8/s) on top of the buckets.
        var atAws = RateReplay.Duration(log.Take(), AwsRateLimits.Aws, fullResync && step != "first apply" ? 8 : 0);
        Console.WriteLine($"| {step} | {calls.Sum(c => c.Count).ToString("N0", culture)} | {calls.Where(c => c.Mutating).Sum(c => c.Count).ToString("N0", culture)} | {Seconds(clock.Elapsed)} | {Seconds(atAws)} |");
        details.Add($"- {step}: {(calls.Count == 0 ? "no call" : string.Join(", ", calls.OrderByDescending(c => c.Count).Take(6).Select(c => $"{c.Operation} {c.Count.ToString(culture)}")))}");
    }

    Console.WriteLine();
    details.ForEach(Console.WriteLine);
    Console.WriteLine();
    if (moto is null)
    {
        // Leave the user's endpoint as it was.
        await provider.DestroyAsync(CancellationToken.None);
    }
}

static string Seconds(TimeSpan elapsed) =>
    elapsed < TimeSpan.FromSeconds(10) ? elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s" : elapsed.TotalSeconds.ToString("N0", CultureInfo.InvariantCulture) + " s";
