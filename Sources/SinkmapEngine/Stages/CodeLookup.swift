import SinkmapKernels
import SinkmapAccounting

/// Stage 2 of a tile: land-cover code → class index of the parameter table, through a
/// dense table for codes 0..<65536 (a dictionary beyond).
public struct CodeLookup: Sendable {
    let dense: [Int32]
    let sparse: [Int: Int32]

    public init(table: ParameterTable) {
        var d = [Int32](repeating: -1, count: 65536)
        var s: [Int: Int32] = [:]
        for (i, c) in table.classes.enumerated() {
            if (0..<65536).contains(c.code) { d[c.code] = Int32(i) } else { s[c.code] = Int32(i) }
        }
        dense = d
        sparse = s
    }

    /// Fills `classIndex` (−1 = not computed) and counts nodata and unknown codes.
    public func classify(_ codes: UnsafePointer<Float>, count: Int, into classIndex: UnsafeMutablePointer<Int32>,
                         leftOut: inout LeftOut) {
        var nodata: Int64 = 0
        var unknown: [Int: Int64] = [:]
        dense.withUnsafeBufferPointer { table in
            for i in 0..<count {
                let v = codes[i]
                if v.isNaN { classIndex[i] = -1; nodata += 1; continue }
                // An undeclared fill value (±inf, −3.4e38, ...) is an unknown code, not a crash.
                guard v.isFinite, abs(v) < 2_147_483_648 else {
                    classIndex[i] = -1
                    unknown[v < 0 ? Int(Int32.min) : Int(Int32.max), default: 0] += 1
                    continue
                }
                let code = Int(v.rounded())
                let k: Int32 = (code >= 0 && code < 65536) ? table[code] : (sparse[code] ?? -1)
                classIndex[i] = k
                if k < 0 { unknown[code, default: 0] += 1 }
            }
        }
        leftOut.landcoverNodata += nodata
        for (c, n) in unknown { leftOut.unknownCodes[c, default: 0] += n }
    }
}
