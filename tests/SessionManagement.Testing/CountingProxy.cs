using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace SessionManagement.Testing;

/// <summary>An interface's implementation with every call counted by method name on the way through: how often a module asked its store.</summary>
public class CountingProxy<T> : DispatchProxy where T : class
{
    private T _inner = null!;

    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public static (T Proxy, ConcurrentDictionary<string, int> Calls) Wrap(T inner)
    {
        var proxy = Create<T, CountingProxy<T>>();
        var counting = (CountingProxy<T>)(object)proxy;
        counting._inner = inner;
        return (proxy, counting.Calls);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        Calls.AddOrUpdate(targetMethod.Name, 1, (_, count) => count + 1);
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException error) when (error.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(error.InnerException);
            throw;
        }
    }
}
