import CSinkmapSystem
import SinkmapKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which build of the carbon kernels a process runs. The kernel sources (`VectorMath`,
/// `CasaLanes`, `CarbonKernels`) are compiled twice: in SinkmapKernels with 4 Double lanes
/// (AVX2/FMA on x86-64), and here, through symbolic links, with 8 Double lanes for
/// `-target-cpu skylake-avx512`. Every lane runs the same instruction sequence in both, so the
/// two give the same bits (tested); the wide one is ~1.6× faster where the CPU has AVX-512.
public enum KernelVariant: String, Sendable, CaseIterable {
    /// 8 Double lanes in 512-bit registers (this module).
    case avx512
    /// 4 Double lanes: SinkmapKernels' own build.
    case standard

    /// Whether this build holds the AVX-512 variant (x86-64, unless built with SINKMAP_PORTABLE=1).
    public static var built: Bool {
        #if SINKMAP_AVX512
        return true
        #else
        return false
        #endif
    }

    /// Whether this build holds the AVX-512 variant and this CPU (and its OS) can run it.
    public static let supported: Bool = built && csinkmap_cpu_has_avx512() != 0

    /// The variant of this process: `SINKMAP_KERNELS=standard` or `=avx512` where set (avx512
    /// only where supported: otherwise the first kernel call would die with SIGILL), else
    /// AVX-512 where supported.
    public static let current: KernelVariant = choose(asked: getenv("SINKMAP_KERNELS").map { String(cString: $0) },
                                                      supported: supported)

    /// The variant for `SINKMAP_KERNELS` = `asked` (nil: not set) on a CPU where AVX-512 is or is not `supported`.
    public static func choose(asked: String?, supported: Bool) -> KernelVariant {
        if asked == "standard" { return .standard }
        return supported ? .avx512 : .standard
    }

    /// Pixels per step.
    public var width: Int {
        switch self {
        case .avx512: CarbonKernels.width
        case .standard: SinkmapKernels.CarbonKernels.width
        }
    }

    /// As summary.json records it, e.g. "avx512 (8 Double lanes)".
    public var description: String { "\(rawValue) (\(width) Double lanes)" }

    /// `CarbonKernels.run` of this variant (see SinkmapKernels' `CarbonKernels.run`).
    @inline(__always)
    public func run(_ input: TileInputs, _ output: TileOutputs, classes: PreparedClasses) {
        switch self {
        case .avx512:
            #if SINKMAP_AVX512
            CarbonKernels.run(input, output, classes: classes)
            #else
            preconditionFailure("this build has no AVX-512 kernels")
            #endif
        case .standard:
            SinkmapKernels.CarbonKernels.run(input, output, classes: classes)
        }
    }
}
