namespace Telemed.Grains.Tests;

internal static class Eventually
{
    /// <summary>
    /// Waits until the condition holds: routing is told one-way and deadline reminders tick once a second, so some
    /// effects land shortly after the call that caused them.
    /// </summary>
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> condition, string what, double seconds = 15)
    {
        DateTime until = DateTime.UtcNow.AddSeconds(seconds);
        T value = await read();
        while (!condition(value))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"gave up after {seconds} s waiting for {what}; last value: {value}");
            }

            await Task.Delay(50);
            value = await read();
        }

        return value;
    }
}
