import CSinkmapSystem
import SinkmapKernels
import SinkmapKernelsAVX512

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which build of the carbon kernels a process runs. The kernel sources (`VectorMath`,
/// `CasaLanes`, `CarbonKernels`, `ClassRow`) are compiled twice: in SinkmapKernels with 4 Double
/// lanes (AVX2/FMA on x86-64), and in SinkmapKernelsAVX512, through symbolic links, with 8 Double
/// lanes for `-target-cpu skylake-avx512`. Every lane runs the same instruction sequence in
/// both, so the two give the same bits (tested); the wide one runs the kernels 1.7–1.8× faster
/// where the CPU has AVX-512. This module is compiled for the baseline CPU: nothing of the
/// AVX-512 build runs before the check has chosen it.
public enum KernelVariant: String, Sendable, CaseIterable {
    /// 8 Double lanes in 512-bit registers (SinkmapKernelsAVX512).
    case avx512
    /// 4 Double lanes: SinkmapKernels' own build.
    case standard

    /// Whether this build holds the AVX-512 variant (x86-64, unless built with SINKMAP_PORTABLE=1).
    public static var built: Bool {
        #if SINKMAP_AVX512_BUILT
        return true
        #else
        return false
        #endif
    }

    /// Whether this build holds the AVX-512 variant and this CPU (and its OS) can run it.
    public static let supported: Bool = built && csinkmap_cpu_has_avx512() != 0

    /// `SINKMAP_KERNELS` as set in the environment (nil: unset).
    public static let asked: String? = getenv("SINKMAP_KERNELS").map { String(cString: $0) }

    /// The variant of this process (see `choose`).
    public static let current: KernelVariant = choose(asked: asked, supported: supported)

    /// The variant for `SINKMAP_KERNELS` = `asked` on a CPU where the AVX-512 build is or is not
    /// `supported`: `standard` forces the standard build; otherwise (unset, empty, `auto`, or
    /// `avx512`) the AVX-512 build where supported. Values `problem` refuses never get here
    /// through the command line.
    public static func choose(asked: String?, supported: Bool) -> KernelVariant {
        if asked == "standard" { return .standard }
        return supported ? .avx512 : .standard
    }

    /// Why `SINKMAP_KERNELS` = `asked` cannot be honoured (the command line refuses with it), or nil.
    public static func problem(asked: String?, supported: Bool) -> String? {
        switch asked {
        case nil, "", "auto", "standard": return nil
        case "avx512":
            return supported ? nil : "SINKMAP_KERNELS=avx512, but \(built ? "this CPU has no AVX-512" : "this build has no AVX-512 kernels"); use standard or auto"
        case let other?:
            return "SINKMAP_KERNELS must be auto, standard or avx512 (got '\(other)')"
        }
    }

    /// Pixels per step.
    public var width: Int { self == .avx512 ? 8 : SinkmapKernels.CarbonKernels.width }

    /// As summary.json records it, e.g. "avx512 (8 Double lanes)".
    public var description: String { "\(rawValue) (\(width) Double lanes)" }

    /// `CarbonKernels.run` of this variant (see SinkmapKernels' `CarbonKernels.run`).
    public func run(_ input: TileInputs, _ output: TileOutputs, classes: PreparedClasses) {
        switch self {
        case .avx512:
            precondition(Self.supported, "the AVX-512 kernels on a CPU without AVX-512")
            SinkmapKernelsAVX512.CarbonKernels.run(input, output, classes: classes)
        case .standard:
            SinkmapKernels.CarbonKernels.run(input, output, classes: classes)
        }
    }
}
