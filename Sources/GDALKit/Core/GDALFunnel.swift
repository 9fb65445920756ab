import CGDAL

/// The one funnel for GDAL/OGR/OSR calls that can fail.
///
/// Each helper clears the thread's error state (CPLErrorReset), runs the C call, and on
/// failure throws a `GDALError` carrying `operation`, `path` and GDAL's own message
/// (CPLGetLastErrorMsg), or `fallback` when GDAL left none. GDAL's error state is
/// per thread, so the helpers are safe on any thread that owns its handles.
extension GDAL {
    static let noMessage = "GDAL reported no message"

    /// A call returning CPLErr: anything but CE_None throws.
    static func check(_ operation: String, path: String, fallback: String = noMessage,
                      _ body: () throws -> CPLErr) throws {
        CPLErrorReset()
        if try body() != CE_None {
            throw GDALError.last(operation, path: path, fallback: fallback)
        }
    }

    /// A call returning OGRErr: anything but OGRERR_NONE throws. Without a GDAL message the
    /// error names the OGR code (OGR often fails without setting one).
    static func check(_ operation: String, path: String, fallback: String? = nil,
                      _ body: () throws -> OGRErr) throws {
        CPLErrorReset()
        let err = try body()
        if err != OGRERR_NONE {
            throw GDALError.last(operation, path: path, fallback: fallback ?? describe(ogrError: err))
        }
    }

    /// A call returning a handle or pointer: nil throws, otherwise the value is returned.
    static func make<T>(_ operation: String, path: String, fallback: String = noMessage,
                        _ body: () throws -> T?) throws -> T {
        CPLErrorReset()
        guard let value = try body() else {
            throw GDALError.last(operation, path: path, fallback: fallback)
        }
        return value
    }

    /// A call that reports failure only through the error state (GDAL 3.6's `void`
    /// GDALClose and GDALFlushCache): throws when the call left a CE_Failure or CE_Fatal
    /// error behind; warnings pass.
    @discardableResult
    static func checkLastError<T>(_ operation: String, path: String, fallback: String = noMessage,
                                  _ body: () throws -> T) throws -> T {
        CPLErrorReset()
        let value = try body()
        if failed() { throw GDALError.last(operation, path: path, fallback: fallback) }
        return value
    }

    /// An iterator call (e.g. OGR_L_GetNextFeature) whose nil means both "no more" and
    /// "reading failed": nil with a CE_Failure or CE_Fatal error behind it throws, any
    /// other nil is the end.
    static func next<T>(_ operation: String, path: String, fallback: String = noMessage,
                        _ body: () throws -> T?) throws -> T? {
        CPLErrorReset()
        let value = try body()
        if value == nil, failed() { throw GDALError.last(operation, path: path, fallback: fallback) }
        return value
    }

    private static func failed() -> Bool {
        let type = CPLGetLastErrorType()
        return type == CE_Failure || type == CE_Fatal
    }

    /// OGR's error codes in words, for failures that come without a message.
    static func describe(ogrError err: OGRErr) -> String {
        switch err {
        case OGRERR_NOT_ENOUGH_DATA: return "OGR error: not enough data"
        case OGRERR_NOT_ENOUGH_MEMORY: return "OGR error: not enough memory"
        case OGRERR_UNSUPPORTED_GEOMETRY_TYPE: return "OGR error: unsupported geometry type"
        case OGRERR_UNSUPPORTED_OPERATION: return "OGR error: unsupported operation"
        case OGRERR_CORRUPT_DATA: return "OGR error: corrupt data"
        case OGRERR_UNSUPPORTED_SRS: return "OGR error: unsupported spatial reference"
        case OGRERR_INVALID_HANDLE: return "OGR error: invalid handle"
        case OGRERR_NON_EXISTING_FEATURE: return "OGR error: no such feature"
        default: return "OGR error \(err)"
        }
    }
}
