using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace CloudIngress.Soak;

/// <summary>What the soak counted and every violation it saw; printed at the end.</summary>
public sealed class SoakReport
{
    private readonly ConcurrentDictionary<(string Client, string Outcome), long> _counts = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private long _violationCount;

    /// <summary>The first violations in full (all are counted).</summary>
    public IReadOnlyCollection<string> Violations => _violations;

    public long ViolationCount => Interlocked.Read(ref _violationCount);

    public int Reloads { get; set; }

    public ResourceTrend? Memory { get; set; }

    public ResourceTrend? FileDescriptors { get; set; }

    public long LogWarnings { get; set; }

    public long ExplainedLogErrors { get; set; }

    public void Count(string client, string outcome) => _counts.AddOrUpdate((client, outcome), 1, (_, n) => n + 1);

    public long CountOf(string client, string outcome) => _counts.GetValueOrDefault((client, outcome));

    public void Violation(string client, string what)
    {
        Count(client, "VIOLATION");
        if (Interlocked.Increment(ref _violationCount) <= 50)
        {
            _violations.Enqueue($"{client}: {what}");
        }
    }

    public string Render(TimeSpan duration)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"soak: {duration.TotalSeconds:F0} s, {Reloads} reloads");
        foreach (var client in _counts.Keys.Select(k => k.Client).Distinct().Order(StringComparer.Ordinal))
        {
            var outcomes = _counts.Where(c => c.Key.Client == client).OrderBy(c => c.Key.Outcome, StringComparer.Ordinal)
                .Select(c => $"{c.Key.Outcome} {c.Value}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  {client,-12} {string.Join(", ", outcomes)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  log          {LogWarnings} warnings, {ExplainedLogErrors} errors explained by the invalid Ingress");
        if (Memory is { } memory)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  memory       RSS {memory.Describe("MiB", 1.0 / 1024)}");
        }

        if (FileDescriptors is { } fds)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  descriptors  open fds {fds.Describe("fds", 1)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"violations: {ViolationCount}");
        foreach (var v in _violations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {v}");
        }

        return text.ToString();
    }
}

/// <summary>A sampled quantity after warm-up: where it started, where it ended and its least-squares slope.</summary>
public sealed record ResourceTrend(double First, double Last, double Max, double SlopePerMinute, int Samples)
{
    /// <summary>Samples are (seconds since start, value); the first and last are the means of the first and last third.</summary>
    public static ResourceTrend? Of(IReadOnlyList<(double Seconds, double Value)> samples)
    {
        if (samples.Count < 6)
        {
            return null;
        }

        var third = samples.Count / 3;
        var meanT = samples.Average(s => s.Seconds);
        var meanV = samples.Average(s => s.Value);
        var covariance = samples.Sum(s => (s.Seconds - meanT) * (s.Value - meanV));
        var variance = samples.Sum(s => (s.Seconds - meanT) * (s.Seconds - meanT));
        return new ResourceTrend(samples.Take(third).Average(s => s.Value), samples.TakeLast(third).Average(s => s.Value),
            samples.Max(s => s.Value), variance == 0 ? 0 : covariance / variance * 60, samples.Count);
    }

    /// <summary>Flat: the last third is not above the first by more than the allowance.</summary>
    public bool IsFlat(double relative, double absolute) => Last <= (First * (1 + relative)) + absolute;

    public string Describe(string unit, double scale) => string.Create(CultureInfo.InvariantCulture,
        $"{First * scale:F1} -> {Last * scale:F1} {unit} (max {Max * scale:F1}), slope {SlopePerMinute * scale:+0.00;-0.00} {unit}/min over {Samples} samples");
}
