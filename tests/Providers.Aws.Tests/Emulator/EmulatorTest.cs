using CloudIngress.Emulators.Aws;

namespace CloudIngress.Providers.Aws.Tests.Emulator;

/// <summary>A fresh emulator and wire client per test, so tests never see each other's resources.</summary>
public abstract class EmulatorTest : IAsyncLifetime
{
    /// <summary>What the test's account looks like; by default the seeded one.</summary>
    private protected virtual AwsEmulatorOptions? Options => null;

    private protected AwsEmulator Aws { get; private set; } = null!;

    private protected AwsWire Wire { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Aws = await AwsEmulator.StartAsync(Options);
        Wire = new AwsWire(Aws);
    }

    public async Task DisposeAsync()
    {
        Wire.Dispose();
        await Aws.DisposeAsync();
    }
}
