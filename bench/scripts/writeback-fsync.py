#!/usr/bin/env python3
"""fsync cost of a 15 MB file written in 64 KiB chunks, with and without starting write-back every 4 MiB
(sync_file_range(SYNC_FILE_RANGE_WRITE)), as BlobWriter does. Usage: bench/scripts/writeback-fsync.py [dir=/tmp]"""
import ctypes, os, sys, time

libc = ctypes.CDLL("libc.so.6", use_errno=True)
chunk = os.urandom(65536)
folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp"


def one(path, hint):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    written = started = 0
    t0 = time.perf_counter()
    for _ in range(240):  # 15 MiB
        os.write(fd, chunk)
        written += len(chunk)
        if hint and written - started >= 4 << 20:
            libc.sync_file_range(fd, ctypes.c_longlong(started), ctypes.c_longlong(written - started), 2)
            started = written
    t1 = time.perf_counter()
    os.fsync(fd)
    t2 = time.perf_counter()
    os.close(fd)
    os.unlink(path)
    return t1 - t0, t2 - t1


for hint in (False, True, False, True):
    runs = [one(os.path.join(folder, "writeback-test"), hint) for _ in range(20)]
    print("write-back hint" if hint else "no hint        ",
          "write %.1f ms, fsync %.1f ms per 15 MB" % (sum(r[0] for r in runs) / 20 * 1000, sum(r[1] for r in runs) / 20 * 1000))
