using CloudIngress.Soak;
using System.Globalization;

// bench/soak/run.sh DURATION_SECONDS [RELOAD_MILLISECONDS]: exit code 0 only when the soak saw no violation.
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 60;
var options = new SoakOptions { Duration = TimeSpan.FromSeconds(seconds) };
if (args.Length > 1)
{
    options = options with { ReloadInterval = TimeSpan.FromMilliseconds(int.Parse(args[1], CultureInfo.InvariantCulture)) };
}

var report = await SoakRun.RunAsync(options, Console.Out);
return report.ViolationCount == 0 ? 0 : 1;
