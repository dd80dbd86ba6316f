namespace Journey.Server.Hosting;

/// <summary>
/// Grain references by string key, without the reflection that <c>IGrainFactory.GetGrain&lt;T&gt;(key)</c> does
/// on every call: it reads the interface's attributes to find the grain type and the interface type (3–5% of
/// a unary ingest call's CPU). Both are found once per interface, and each reference is made from them.
/// </summary>
internal static class GrainReferences
{
    /// <summary>The grain of interface <typeparamref name="T"/> with <paramref name="key"/>; the same reference <c>GetGrain&lt;T&gt;(key)</c> gives.</summary>
    public static T Reference<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey
    {
        if (Types<T>.Resolved is not { } types)
        {
            var reference = grains.GetGrain<T>(key);
            var resolved = (GrainReference)(object)reference;
            Types<T>.Resolved = (resolved.GetGrainId().Type, resolved.InterfaceType);
            return reference;
        }
        return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
    }

    // One pair per interface; the types are the silo's, the same for every grain factory in the process.
    private static class Types<T>
    {
        public static (GrainType Grain, GrainInterfaceType Interface)? Resolved;
    }
}
