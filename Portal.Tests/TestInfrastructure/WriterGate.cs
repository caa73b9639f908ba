using Portal.Features.Billing;

namespace Portal.Tests.TestInfrastructure;

/// <summary>
/// A fault injector that can also hold the ledger writer: <see cref="HoldOnce"/> makes the writer stop at a point (on
/// its own thread) until <see cref="Release"/>, so a test can queue operations that the next batch then takes
/// together. Points armed with <see cref="Arm"/> throw as <see cref="ArmedFaults"/> does.
/// </summary>
public sealed class WriterGate : IFaultInjector, IDisposable
{
    private readonly ArmedFaults _faults = new();
    private readonly ManualResetEventSlim _entered = new();
    private readonly ManualResetEventSlim _released = new();
    private string? _holdAt;

    /// <summary>Points that threw, in order.</summary>
    public IEnumerable<string> Fired => _faults.Fired;

    /// <summary>Arms <paramref name="point"/> to throw <paramref name="times"/> times.</summary>
    public WriterGate Arm(string point, int times = 1)
    {
        _faults.Arm(point, times);
        return this;
    }

    /// <summary>The next time the writer reaches <paramref name="point"/> it waits there until <see cref="Release"/>.</summary>
    public void HoldOnce(string point)
    {
        _entered.Reset();
        _released.Reset();
        Volatile.Write(ref _holdAt, point);
    }

    /// <summary>Waits until the writer is held.</summary>
    public void WaitUntilHeld()
    {
        if (!_entered.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the ledger writer never reached the held point");
    }

    /// <summary>Lets the held writer go on.</summary>
    public void Release() => _released.Set();

    /// <inheritdoc />
    public void At(string point)
    {
        if (Interlocked.CompareExchange(ref _holdAt, null, point) == point)
        {
            _entered.Set();
            _released.Wait(TimeSpan.FromSeconds(30));
            return; // the held pass does not also fire
        }
        _faults.At(point);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _released.Set();
        _entered.Dispose();
        _released.Dispose();
    }
}
