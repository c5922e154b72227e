namespace Telemed.Dicom.Files;

/// <summary>
/// One contiguous array that holds the input read so far and grows (doubling) only when what has arrived fills it,
/// so its size follows the bytes received, never a length the input declares.
/// </summary>
internal sealed class InputBuffer
{
    private const int InitialCapacity = 4096;

    private readonly long limit;
    private readonly string limitName;
    private byte[] array;

    /// <param name="limit">Most bytes held; more input is an error naming <paramref name="limitName"/>.</param>
    /// <param name="capacityHint">Expected total (e.g. a file's length), used only up to the limit.</param>
    public InputBuffer(long limit, string limitName, long capacityHint = 0)
    {
        this.limit = Math.Min(limit, Array.MaxLength);
        this.limitName = limitName;
        array = new byte[(int)Math.Clamp(capacityHint, InitialCapacity, Math.Max(InitialCapacity, this.limit))];
    }

    public int Length { get; private set; }

    public long Limit => limit;

    public ReadOnlySpan<byte> Span => array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => array.AsMemory(0, Length);

    /// <summary>Free space to read into: at most <paramref name="wanted"/> bytes, at least one (growing if full).</summary>
    public Memory<byte> GetWritable(long wanted)
    {
        long usable = Math.Min(array.Length, limit);
        if (Length >= usable)
        {
            Grow(Length + 1L);
            usable = Math.Min(array.Length, limit);
        }

        return array.AsMemory(Length, (int)Math.Clamp(wanted, 1, usable - Length));
    }

    public void Advance(int count) => Length += count;

    /// <summary>Appends bytes that have arrived (e.g. a pipe's new segments).</summary>
    public Span<byte> Append(int count)
    {
        if (array.Length - Length < count || (long)Length + count > limit)
        {
            Grow((long)Length + count);
        }

        Span<byte> target = array.AsSpan(Length, count);
        Length += count;
        return target;
    }

    private void Grow(long needed)
    {
        if (needed > limit)
        {
            throw new DicomException($"the input is longer than the {limit}-byte {limitName} limit");
        }

        long capacity = Math.Min(Math.Max(needed, (long)array.Length * 2), limit);
        Array.Resize(ref array, (int)capacity);
    }
}
