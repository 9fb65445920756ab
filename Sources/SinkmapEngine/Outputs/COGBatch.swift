import Foundation
import GDALKit

/// Several Cloud-Optimized GeoTIFFs written side by side. GDAL's COG driver reads the source,
/// builds the overviews and lays out a file on one thread (its NUM_THREADS only compresses
/// blocks), so writing one file at a time leaves cores idle; files side by side, each
/// compressing on its own thread, do not. Each writer opens its own read-only handle on the
/// source (a handle is never shared between threads). The files are the same byte for byte
/// whatever the number of threads.
enum COGBatch {
    struct Job: Sendable {
        /// The source raster's path (flushed to disk), and its name in messages.
        var source: String, label: String
        /// The band to copy; nil copies every band.
        var band: Int?
        var path: String
    }

    /// Writes every job, up to `threads` at a time; `done(n)` after each file (n files done so
    /// far, from any thread). Stops at the first failure or interruption and throws it.
    static func write(_ jobs: [Job], threads: Int, compression: COGCompression = .default,
                      done: @Sendable (Int) -> Void = { _ in }) throws {
        let workers = max(1, min(threads, jobs.count))
        let queue = TileQueue<Void>(tiles: jobs.count, workers: workers)
        try queue.run(workers: workers) { _, queue in
            do {
                var handles: [String: Dataset] = [:]
                while let i = queue.take() {
                    try Interruption.check()
                    let job = jobs[i]
                    let source = try handles[job.source] ?? Dataset(path: job.source, displayName: job.label)
                    handles[job.source] = source
                    // One worker alone compresses on every thread it was given.
                    try COG.write(from: source, band: job.band, to: job.path, threads: workers == 1 ? threads : 1,
                                  compression: compression)
                    done(queue.done())
                }
            } catch {
                queue.fail(error)
            }
        }
    }
}
