import CGDAL

/// GDAL pixel data types as a Swift enum (the subset sinkmap reads or writes, plus `other`).
public enum PixelType: Equatable, Sendable, CustomStringConvertible {
    case byte, int8, uint16, int16, uint32, int32, float32, float64, other(String)

    init(_ t: GDALDataType) {
        switch t {
        case GDT_Byte: self = .byte
        case GDT_UInt16: self = .uint16
        case GDT_Int16: self = .int16
        case GDT_UInt32: self = .uint32
        case GDT_Int32: self = .int32
        case GDT_Float32: self = .float32
        case GDT_Float64: self = .float64
        default: self = .other(String(cString: GDALGetDataTypeName(t)))
        }
    }

    var gdal: GDALDataType {
        switch self {
        case .byte, .int8: return GDT_Byte
        case .uint16: return GDT_UInt16
        case .int16: return GDT_Int16
        case .uint32: return GDT_UInt32
        case .int32: return GDT_Int32
        case .float32: return GDT_Float32
        case .float64: return GDT_Float64
        case .other: return GDT_Unknown
        }
    }

    /// GDAL's own name ("Byte", "Int16", "Float32", ...).
    public var description: String {
        switch self {
        case .other(let name): return name
        default: return String(cString: GDALGetDataTypeName(gdal))
        }
    }

    public var isInteger: Bool {
        switch self {
        case .byte, .int8, .uint16, .int16, .uint32, .int32: return true
        default: return false
        }
    }
}
