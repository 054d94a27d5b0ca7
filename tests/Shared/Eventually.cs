using System.Diagnostics;

namespace CloudIngress.Tests;

/// <summary>Polls a condition until it holds; fails the test naming what was awaited when it does not in time.</summary>
internal static class Eventually
{
    private static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(10);

    public static Task Until(Func<bool> condition, TimeSpan? within = null, string what = "condition") =>
        Until(() => Task.FromResult(condition()), within, what);

    public static async Task Until(Func<Task<bool>> condition, TimeSpan? within = null, string what = "condition")
    {
        var limit = within ?? DefaultWithin;
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < limit, $"{what}: not within {limit.TotalSeconds:F1} s");
            await Task.Delay(20);
        }
    }
}
