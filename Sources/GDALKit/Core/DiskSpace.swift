import Glibc

/// Whether a write failed because the file system is full.
public enum DiskSpace {
    /// True when the file system holding `path` (or its folder) has less than 64 KiB left
    /// for an unprivileged writer.
    public static func isFull(near path: String) -> Bool {
        var candidates = [path]
        if let slash = path.lastIndex(of: "/") { candidates.append(slash == path.startIndex ? "/" : String(path[..<slash])) }
        for p in candidates {
            var s = statvfs()
            if statvfs(p, &s) == 0 { return UInt64(s.f_bavail) * UInt64(s.f_frsize) < 64 << 10 }
        }
        return false
    }
}
