using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

#pragma warning disable CA1050 // the runtime looks the hook up by this exact global name

/// <summary>
/// Loaded by the runtime before Main when named in DOTNET_STARTUP_HOOKS: listens to the GC's
/// allocation ticks (one event per ~100 KB allocated, naming the type that crossed the mark) and
/// writes the running totals by type to the file named in CLOUDINGRESS_ALLOC_OUT every second.
/// Two copies of that file taken around a measured run give what the run allocated, by type.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var output = Environment.GetEnvironmentVariable("CLOUDINGRESS_ALLOC_OUT");
        if (string.IsNullOrEmpty(output))
        {
            return;
        }

        var listener = new AllocationListener();
        var writer = new Thread(() => Write(listener, output)) { IsBackground = true, Name = "allocation hook" };
        writer.Start();
    }

    private static void Write(AllocationListener listener, string output)
    {
        while (true)
        {
            Thread.Sleep(1000);
            var lines = listener.Totals.OrderByDescending(t => t.Value)
                .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Value}\t{t.Key}"));
            File.WriteAllLines(output + ".tmp", lines);
            File.Move(output + ".tmp", output, overwrite: true);
        }
    }

    private sealed class AllocationListener : EventListener
    {
        private const EventKeywords GcKeyword = (EventKeywords)0x1;

        public ConcurrentDictionary<string, long> Totals { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is not { } names || eventData.Payload is not { } payload)
            {
                return;
            }

            var type = names.IndexOf("TypeName") is var t and >= 0 ? payload[t] as string ?? "?" : "?";
            var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(payload[a], CultureInfo.InvariantCulture) : 100_000;
            Totals.AddOrUpdate(type, amount, (_, total) => total + amount);
        }
    }
}
