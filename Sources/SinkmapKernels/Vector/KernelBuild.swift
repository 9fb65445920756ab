/// What the kernels were compiled for (see Package.swift, `kernelSettings`): recorded in
/// summary.json so a reviewer knows which build produced the numbers.
public enum KernelBuild {
    /// Whether the kernels use AVX2 and FMA (x86-64 builds without SINKMAP_PORTABLE=1).
    public static var needsAVX2FMA: Bool {
        #if arch(x86_64) && SINKMAP_FMA
        return true
        #else
        return false
        #endif
    }

    public static var target: String {
        #if arch(x86_64)
        #if SINKMAP_FMA
        return "x86_64 haswell (AVX2, FMA), with a skylake-avx512 variant (AVX-512)"
        #else
        return "x86_64 portable (SSE2)"
        #endif
        #elseif arch(arm64)
        return "aarch64 (NEON, FMA)"
        #else
        return "generic"
        #endif
    }
}
