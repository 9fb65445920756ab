import CGDAL
import Foundation
import Glibc

/// A GDAL or OGR failure, carrying GDAL's own message and the file it concerns.
///
/// `description` is the one line the command line prints.
public struct GDALError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What sinkmap was doing, e.g. "open", "read window", "rasterize".
    public var operation: String
    /// The file (or dataset description) concerned; may be empty.
    public var path: String
    /// GDAL's message (CPLGetLastErrorMsg) or, when GDAL gave none, sinkmap's own.
    public var message: String

    public init(operation: String, path: String, message: String) {
        self.operation = operation
        self.path = path
        self.message = message
    }

    public var description: String {
        let subject = path.isEmpty ? "" : "\(path): "
        // One line even when GDAL's message has several (libpq's connection errors do).
        let text = message.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        return "\(subject)\(operation) failed: \(text)"
    }

    /// Builds an error from GDAL's last error message on this thread.
    /// Inside GDALKit, prefer the funnel (`GDAL.check`, `GDAL.make`, `GDAL.checkLastError`, `GDAL.next`),
    /// which also clears the error state before the call.
    /// A failed write on a full file system says so first (libtiff's "Write error at scanline
    /// 0" alone does not tell the user why).
    public static func last(_ operation: String, path: String, fallback: String = "GDAL reported no message") -> GDALError {
        let code = errno
        var message = GDAL.lastErrorMessage() ?? fallback
        let writing = ["write", "create", "flush", "close"].contains { operation.lowercased().contains($0) }
            || message.lowercased().contains("write")
        if code == ENOSPC || code == EDQUOT || (writing && DiskSpace.isFull(near: path)) {
            message = "no space left on device (\(message))"
        }
        return GDALError(operation: operation, path: path, message: message)
    }
}

/// Process-wide GDAL set-up and error plumbing.
public enum GDAL {
    private static let registered: Bool = {
        GDALAllRegister()
        // Errors are reported through Swift errors; GDAL's default handler would
        // print them a second time on stderr.
        CPLSetErrorHandler(CPLQuietErrorHandler)
        return true
    }()

    /// Registers all drivers once (thread-safe: a Swift global initialiser runs once).
    public static func initialize() {
        _ = registered
    }

    /// GDAL's version string, e.g. "3.6.2".
    public static var version: String {
        initialize()
        return String(cString: GDALVersionInfo("RELEASE_NAME"))
    }

    /// The last error message on this thread, nil when empty.
    public static func lastErrorMessage() -> String? {
        guard let ptr = CPLGetLastErrorMsg() else { return nil }
        let text = String(cString: ptr)
        return text.isEmpty ? nil : text
    }

    /// Clears the thread's last error before a call whose failure we will inspect
    /// (the funnel in GDALFunnel.swift does this itself).
    public static func resetError() {
        CPLErrorReset()
    }

    /// Caps GDAL's block cache at `megabytes` unless the user set GDAL_CACHEMAX (GDAL's
    /// default, 5 % of RAM, would make memory grow with the scene instead of the tiles).
    public static func limitCache(megabytes: Int) {
        initialize()
        // Set the cache itself, not only the option: GDAL reads GDAL_CACHEMAX once, at the first
        // block read, and validation may already have read a sample by now.
        if CPLGetConfigOption("GDAL_CACHEMAX", nil) == nil {
            CPLSetConfigOption("GDAL_CACHEMAX", "\(megabytes)")
            GDALSetCacheMax64(Int64(megabytes) << 20)
        }
    }

    /// A GDAL configuration option (set in the process or the environment), nil when unset.
    public static func config(_ key: String) -> String? {
        CPLGetConfigOption(key, nil).map { String(cString: $0) }
    }

    /// Sets a GDAL configuration option (process-wide).
    public static func setConfig(_ key: String, _ value: String?) {
        CPLSetConfigOption(key, value)
    }

    /// Runs `body` with a GDAL configuration option set for the calling thread only, unless the
    /// user set it (in the process or the environment): their value wins. Restored afterwards.
    public static func withDefaultConfig<R>(_ key: String, _ value: String?, _ body: () throws -> R) rethrows -> R {
        guard let value, config(key) == nil else { return try body() }
        CPLSetThreadLocalConfigOption(key, value)
        defer { CPLSetThreadLocalConfigOption(key, nil) }
        return try body()
    }

    /// Runs `body` with a GDAL string list built from `items`, freed afterwards.
    public static func withStringList<R>(_ items: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws -> R) rethrows -> R {
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        for item in items { list = CSLAddString(list, item) }
        defer { CSLDestroy(list) }
        return try body(list)
    }
}
