namespace CloudIngress.Proxy.Routing;

/// <summary>A count of holders that starts at one; once it reaches zero it stays there and nobody may join.</summary>
internal sealed class Holders
{
    private int _count = 1;

    /// <summary>False once the last holder has let go.</summary>
    public bool TryRetain()
    {
        var count = Volatile.Read(ref _count);
        while (count > 0)
        {
            var seen = Interlocked.CompareExchange(ref _count, count + 1, count);
            if (seen == count)
            {
                return true;
            }

            count = seen;
        }

        return false;
    }

    /// <summary>True for the last holder: it releases what was held.</summary>
    public bool Release() => Interlocked.Decrement(ref _count) == 0;
}
