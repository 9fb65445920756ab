import Foundation

/// How many workers a job over tiles, strips or polygons runs: the one rule for the thread count.
public enum Workers {
    /// The worker threads that run for `requested` threads over `items` work items: no more than
    /// the items, nor than the processors (more would only share the same cores), at least one.
    public static func count(_ requested: Int, items: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        max(1, min(requested, items, cores))
    }
}

/// Hands out tile indices to worker threads and collects the first error and each
/// worker's result: the one worker pool of run, zonal, the trend rasters and composite.
public final class TileQueue<Result>: @unchecked Sendable {
    let count: Int
    private let lock = NSLock()
    private var next = 0
    private var finished = 0
    private(set) var error: Error?
    public private(set) var results: [Result?]

    public init(tiles: Int, workers: Int) {
        count = tiles
        results = [Result?](repeating: nil, count: workers)
    }

    /// The next tile to process, nil when all are taken or a worker failed.
    public func take() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, next < count else { return nil }
        next += 1
        return next - 1
    }

    /// Marks a tile done; returns how many are done.
    public func done() -> Int {
        lock.lock(); defer { lock.unlock() }
        finished += 1
        return finished
    }

    public func fail(_ e: Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = e }
    }

    public func store(_ r: Result, worker: Int) {
        lock.lock(); defer { lock.unlock() }
        results[worker] = r
    }

    /// Runs `work(worker, queue)` on `workers` threads (DispatchQueue.concurrentPerform)
    /// and throws the first error any of them reported.
    public func run(workers: Int, _ work: @Sendable (Int, TileQueue<Result>) -> Void) throws {
        DispatchQueue.concurrentPerform(iterations: workers) { w in work(w, self) }
        if let error { throw error }
    }
}
