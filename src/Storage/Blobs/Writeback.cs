using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Telemed.Storage.Blobs;

/// <summary>
/// Starts the kernel's write-back of a file range without waiting for it (Linux sync_file_range(2) with
/// SYNC_FILE_RANGE_WRITE). A blob then reaches the disk while the rest of it is still arriving, so the fsync before
/// the device's acknowledgement has little left to do. A hint only: durability still comes from the fsync.
/// </summary>
internal static partial class Writeback
{
    private const uint SyncFileRangeWrite = 2; // SYNC_FILE_RANGE_WRITE, linux/fs.h

    public static void Start(SafeFileHandle file, long offset, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // Failure (e.g. a file system without support) only loses the overlap; the later fsync reports real errors.
        _ = SyncFileRange(file, offset, length, SyncFileRangeWrite);
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long nbytes, uint flags);
}
