using System.Collections.Concurrent;
using Journey.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Journey.Server.Security;

/// <summary>
/// A token bucket per agency, in events: <c>Journey:Limits:AgencyEventsPerSecond</c> refill, up to
/// <c>AgencyBurstEvents</c> at once. One agency flooding the door cannot starve the others. A rate of 0
/// turns the limit off.
/// </summary>
public sealed class AgencyRateLimiter(IOptions<JourneyOptions> options, TimeProvider time)
{
    private readonly double rate = options.Value.Limits.AgencyEventsPerSecond;
    private readonly double capacity = options.Value.Limits.AgencyBurstEvents > 0
        ? options.Value.Limits.AgencyBurstEvents
        : Math.Max(options.Value.Limits.AgencyEventsPerSecond, 1);
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);

    public bool Enabled => rate > 0;

    /// <summary>Events per second each agency may send.</summary>
    public double EventsPerSecond => rate;

    /// <summary>
    /// Takes <paramref name="events"/> from the agency's bucket, all or none. When refused,
    /// <paramref name="retryAfter"/> says when that many will be there (never, for more than a full bucket).
    /// </summary>
    public bool TryAcquire(string agency, int events, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!Enabled || events <= 0)
        {
            return true;
        }
        if (events > capacity)
        {
            retryAfter = TimeSpan.MaxValue;
            return false;
        }
        var bucket = buckets.GetOrAdd(agency, _ => new Bucket(capacity, time.GetTimestamp()));
        lock (bucket)
        {
            var now = time.GetTimestamp();
            bucket.Tokens = Math.Min(capacity, bucket.Tokens + time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * rate);
            bucket.Stamp = now;
            if (bucket.Tokens >= events)
            {
                bucket.Tokens -= events;
                return true;
            }
            retryAfter = TimeSpan.FromSeconds((events - bucket.Tokens) / rate);
            return false;
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;
        public long Stamp { get; set; } = stamp;
    }
}
