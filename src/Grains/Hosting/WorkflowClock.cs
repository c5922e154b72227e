namespace Telemed.Grains.Hosting;

/// <summary>
/// The clock case deadlines, history and signatures are stamped with. It wraps a <see cref="TimeProvider"/> of its
/// own rather than replacing the silo's, because Orleans keeps reminder start times by the silo's clock: a test that
/// moves this clock must not move Orleans'.
/// </summary>
public sealed class WorkflowClock(TimeProvider time)
{
    public DateTimeOffset Now => time.GetUtcNow();
}
