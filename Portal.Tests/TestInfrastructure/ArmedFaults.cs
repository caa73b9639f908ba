using System.Collections.Concurrent;
using Portal.Features.Billing;

namespace Portal.Tests.TestInfrastructure;

/// <summary>A fault injector tests arm: each armed point fires the given number of times.</summary>
public sealed class ArmedFaults : IFaultInjector
{
    private readonly ConcurrentDictionary<string, int> _remaining = new();

    /// <summary>Points that fired, in order.</summary>
    public ConcurrentQueue<string> Fired { get; } = new();

    /// <summary>Arms <paramref name="point"/> to fire <paramref name="times"/> times.</summary>
    public ArmedFaults Arm(string point, int times = 1)
    {
        _remaining[point] = times;
        return this;
    }

    /// <inheritdoc />
    public void At(string point)
    {
        while (_remaining.TryGetValue(point, out var left) && left > 0)
        {
            if (!_remaining.TryUpdate(point, left - 1, left)) continue;
            Fired.Enqueue(point);
            throw new InjectedFaultException(point);
        }
    }
}
