using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace CloudIngress.Kubernetes.Tests;

/// <summary>Sends log lines to the test's output, so a failing test shows what the code logged.</summary>
internal sealed class TestLogger(ITestOutputHelper output) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{logLevel}: {formatter(state, exception)}");
        }
        catch (InvalidOperationException)
        {
            // the test already finished; background loops may still log while shutting down
        }
    }
}
