// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "sinkmap",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sinkmap", targets: ["sinkmap"]),
    ],
    dependencies: [
        // Exact versions, so that every build resolves the same code (Package.resolved is not
        // committed: the package mirrors on the build machines carry their own commit ids).
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "5.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    ],
    targets: [
        // Layer 0: the GDAL C API, found through pkg-config.
        .systemLibrary(
            name: "CGDAL",
            pkgConfig: "gdal",
            providers: [.apt(["libgdal-dev", "libproj-dev"])]
        ),
        // Layer 0: the few Linux calls Swift's Glibc module does not offer (renameat2, cpuid).
        .target(name: "CSinkmapSystem"),
        // Layer 1: the thin Swift layer over GDAL (datasets, windows, warping, vectors, writing).
        .target(name: "GDALKit", dependencies: ["CGDAL"], swiftSettings: optimisedInDebug),
        // Layer 2: bringing inputs onto the target grid: the RasterSource protocol, its direct,
        // own-resampler and warped-VRT sources, and the policy choosing between them. Optimised
        // in debug builds too: the resampler's per-pixel loops run over whole test scenes.
        .target(name: "SinkmapGrid", dependencies: ["GDALKit"], swiftSettings: optimisedInDebug),
        // Layer 1: the per-pixel science kernels and the output layers' names, units and nodata; no GDAL.
        .target(name: "SinkmapKernels", exclude: ["KERNELS.md"], swiftSettings: kernelSettings),
        // Layer 2: the same carbon kernels (symbolic links to SinkmapKernels' Vector sources) in
        // 8 Double lanes for CPUs with AVX-512; nothing else, and called only through
        // SinkmapKernelVariants, which is compiled for the baseline CPU and checks this one's.
        .target(name: "SinkmapKernelsAVX512", dependencies: ["SinkmapKernels"], swiftSettings: wideKernelSettings),
        // Layer 3: which build of the kernels runs (KernelVariant), chosen at run time.
        .target(name: "SinkmapKernelVariants", dependencies: ["CSinkmapSystem", "SinkmapKernels", "SinkmapKernelsAVX512"],
                swiftSettings: variantSettings),
        // Layer 1: `Refusal`, the one error type for what sinkmap refuses in one line.
        .target(name: "SinkmapBase"),
        // Layer 1: statistics over plain values (trend tests); no GDAL.
        .target(name: "SinkmapStatistics", swiftSettings: optimisedInDebug),
        // Layer 2: the worker pool, tiling, progress and interruption of any job over tiles.
        .target(name: "SinkmapSchedule", dependencies: ["GDALKit"]),
        // Layer 3: the scene file, its parsing and validation.
        .target(name: "SinkmapScene", dependencies: [
            "GDALKit", "SinkmapBase", "SinkmapGrid", "SinkmapKernels", .product(name: "Yams", package: "Yams"),
        ], swiftSettings: optimisedInDebug),
        // Layer 4: the accounting quantities (slot layout, fixed point, exact per-zone sums,
        // roll-ups, uncertainty, scenario, valuation, compensation); no GDAL calls.
        .target(name: "SinkmapAccounting", dependencies: ["SinkmapBase", "SinkmapKernels", "SinkmapScene"],
                swiftSettings: optimisedInDebug),
        // Layer 5: the zones on the grid: exact coverage fractions, zone rasters, pixel areas.
        .target(name: "SinkmapZones", dependencies: ["GDALKit", "SinkmapScene", "SinkmapSchedule", "SinkmapAccounting"], swiftSettings: optimisedInDebug),
        // Layer 5: the files of a run or series directory that the report and the ledger read
        // (summary.json, zonal.csv, run id, styles, STAC, series tables, checksums).
        .target(name: "SinkmapArchive", dependencies: [
            "CSinkmapSystem", "GDALKit", "SinkmapBase", "SinkmapKernels", "SinkmapScene", "SinkmapStatistics", "SinkmapAccounting",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: optimisedInDebug),
        // Layer 6: a run: plan, tile stages, shards, the output writers.
        .target(name: "SinkmapEngine", dependencies: [
            "CSinkmapSystem", "GDALKit", "SinkmapBase", "SinkmapGrid", "SinkmapKernels", "SinkmapKernelVariants", "SinkmapScene",
            "SinkmapStatistics", "SinkmapSchedule", "SinkmapAccounting", "SinkmapZones", "SinkmapArchive",
        ], swiftSettings: optimisedInDebug),
        // Layer 7: the workflows over runs and rasters: series, ledger, calibrate, composite, zonal.
        .target(name: "SinkmapWorkflows", dependencies: [
            "GDALKit", "SinkmapBase", "SinkmapGrid", "SinkmapKernels", "SinkmapScene", "SinkmapStatistics", "SinkmapSchedule",
            "SinkmapAccounting", "SinkmapZones", "SinkmapArchive", "SinkmapEngine",
        ], swiftSettings: optimisedInDebug),
        // Layer 8: the report of a run or series directory (HTML with maps, tables and charts;
        // PDF via Chromium); reads the archive, not the engine.
        .target(name: "SinkmapReport", dependencies: ["GDALKit", "SinkmapBase", "SinkmapKernels", "SinkmapAccounting", "SinkmapArchive"],
                swiftSettings: optimisedInDebug),
        // Layer 9: the command line.
        .executableTarget(name: "sinkmap", dependencies: [
            "CSinkmapSystem", "GDALKit", "SinkmapBase", "SinkmapGrid", "SinkmapKernels", "SinkmapKernelVariants", "SinkmapScene",
            "SinkmapSchedule", "SinkmapAccounting", "SinkmapZones", "SinkmapArchive", "SinkmapEngine", "SinkmapWorkflows",
            "SinkmapReport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Benchmarks (release builds): kernel throughput; the I/O floor of a scene.
        .executableTarget(name: "KernelBench", dependencies: ["SinkmapKernels", "SinkmapKernelVariants", "TestSupport"],
                          path: "Benchmarks/KernelBench"),
        .executableTarget(name: "IOFloorBench", dependencies: ["GDALKit", "SinkmapGrid", "SinkmapKernels", "SinkmapScene", "SinkmapAccounting", "SinkmapArchive", "SinkmapEngine"], path: "Benchmarks/IOFloor"),

        // Tests: a support library that builds small rasters, scenes and polygon files; one unit
        // test target per source target (no executable, no daemon, no network; GDAL's own tools
        // as references only); the repository's shape; then the end-to-end tests (the command
        // line, the bad-input table, Slurm, PostGIS, Chromium, exactextract, scipy).
        .target(name: "TestSupport", dependencies: ["GDALKit"], path: "Tests/TestSupport"),
        .testTarget(name: "GDALKitTests", dependencies: ["GDALKit", "TestSupport"]),
        .testTarget(name: "SinkmapGridTests", dependencies: ["SinkmapGrid", "GDALKit", "TestSupport"]),
        .testTarget(name: "SinkmapKernelsTests", dependencies: ["SinkmapKernels", "SinkmapKernelVariants", "TestSupport"]),
        .testTarget(name: "SinkmapStatisticsTests", dependencies: ["SinkmapStatistics", "TestSupport"]),
        .testTarget(name: "SinkmapSceneTests", dependencies: ["SinkmapScene", "GDALKit", "TestSupport"]),
        .testTarget(name: "SinkmapAccountingTests", dependencies: [
            "SinkmapAccounting", "SinkmapScene", "SinkmapKernels", "GDALKit", "TestSupport",
        ]),
        .testTarget(name: "SinkmapZonesTests", dependencies: ["SinkmapZones", "SinkmapAccounting", "GDALKit", "TestSupport"]),
        .testTarget(name: "SinkmapArchiveTests", dependencies: [
            "SinkmapArchive", "SinkmapAccounting", "SinkmapBase", "SinkmapScene", "SinkmapKernels", "GDALKit", "TestSupport",
        ]),
        .testTarget(name: "SinkmapEngineTests", dependencies: [
            "SinkmapEngine", "SinkmapArchive", "SinkmapAccounting", "SinkmapBase", "SinkmapZones", "SinkmapSchedule", "SinkmapScene",
            "SinkmapKernels", "SinkmapStatistics", "GDALKit", "TestSupport",
        ]),
        .testTarget(name: "SinkmapWorkflowsTests", dependencies: [
            "SinkmapWorkflows", "SinkmapEngine", "SinkmapArchive", "SinkmapAccounting", "SinkmapScene", "SinkmapKernels",
            "SinkmapStatistics", "GDALKit", "TestSupport",
        ]),
        .testTarget(name: "RepositoryTests", dependencies: ["TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: [
            "SinkmapReport", "SinkmapWorkflows", "SinkmapEngine", "SinkmapArchive", "SinkmapAccounting", "SinkmapZones",
            "SinkmapSchedule", "SinkmapScene", "SinkmapKernels", "SinkmapStatistics", "SinkmapGrid", "GDALKit", "TestSupport",
        ]),
    ]
)

/// `-O` in debug builds too, for targets with per-pixel or per-value loops that the tests run
/// over whole scenes. (Computed, like the settings below: a top-level `let` declared after
/// `package` would still be empty when `package` reads it.)
var optimisedInDebug: [SwiftSetting] { [.unsafeFlags(["-O"], .when(configuration: .debug))] }

/// How the kernels target the CPU (SinkmapKernels only; see docs/design-details.md, "Kernels and CPU targeting"):
/// - `-Xcc -fno-math-errno`: lets `SIMD.squareRoot()` lower to one vector sqrt instead of a
///   per-lane `sqrtf` call (the stdlib's C shim otherwise keeps errno semantics).
/// - x86-64: `-target-cpu haswell` (the x86-64-v3 feature set: AVX2, FMA, BMI2, F16C) and
///   `SINKMAP_FMA`, unless `SINKMAP_PORTABLE=1` asks for a baseline (SSE2) build. Decided by the
///   architecture the manifest is evaluated on; set SINKMAP_PORTABLE=1 when cross-compiling.
/// - aarch64: NEON and FMA are baseline; nothing to add.
var kernelSettings: [SwiftSetting] {
    var settings: [SwiftSetting] = [
        .unsafeFlags(["-Xcc", "-fno-math-errno"]),
        // Optimised in debug builds too: the SIMD code is ~50× slower unoptimised, and the
        // test suite (a debug build) runs the kernels over whole scenes.
        .unsafeFlags(["-O"], .when(configuration: .debug)),
    ]
    #if arch(x86_64)
    if Context.environment["SINKMAP_PORTABLE"] != "1" {
        settings += [.unsafeFlags(["-target-cpu", "haswell"]), .define("SINKMAP_FMA")]
    }
    #endif
    return settings
}

/// Whether SinkmapKernelsAVX512 is built for AVX-512 (x86-64, unless SINKMAP_PORTABLE=1).
var avx512Built: Bool {
    #if arch(x86_64)
    return Context.environment["SINKMAP_PORTABLE"] != "1"
    #else
    return false
    #endif
}

/// SinkmapKernelVariants: compiled for the baseline CPU (it runs on every CPU before any kernel);
/// `SINKMAP_AVX512_BUILT` where SinkmapKernelsAVX512 holds the AVX-512 build.
var variantSettings: [SwiftSetting] {
    avx512Built ? [.define("SINKMAP_AVX512_BUILT")] : []
}

/// The AVX-512 variant (SinkmapKernelsAVX512): the kernel settings with `-target-cpu
/// skylake-avx512` (AVX-512 F/CD/BW/DQ/VL on top of x86-64-v3) and `SINKMAP_AVX512` on x86-64;
/// elsewhere, or with SINKMAP_PORTABLE=1, a copy of the standard build that is never chosen.
var wideKernelSettings: [SwiftSetting] {
    var settings: [SwiftSetting] = [
        .unsafeFlags(["-Xcc", "-fno-math-errno"]),
        .unsafeFlags(["-O"], .when(configuration: .debug)),
        .define("SINKMAP_KERNEL_COPY"),
    ]
    if avx512Built {
        settings += [.unsafeFlags(["-target-cpu", "skylake-avx512"]), .define("SINKMAP_FMA"), .define("SINKMAP_AVX512")]
    }
    return settings
}
