import Foundation

/// Work started on its own thread now and awaited later (input checksums beside the tiles, the
/// one-map tables beside the COGs, the red line's zone raster beside the zones'). `wait` returns
/// the result or rethrows its error.
public final class BackgroundJob<T>: @unchecked Sendable {
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    /// Starts `work` on a new thread.
    public init(_ work: @escaping @Sendable () throws -> T) {
        Thread.detachNewThread { [self] in
            result = Result { try work() }
            done.signal()
        }
    }

    /// The result (waiting for it the first time); may be called again.
    public func wait() throws -> T {
        done.wait()
        done.signal()
        return try result!.get()
    }
}

/// One result per index, set from several threads.
public final class BackgroundResults<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, Error>?]

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func set(_ i: Int, _ r: Result<T, Error>) {
        lock.lock(); defer { lock.unlock() }
        slots[i] = r
    }

    /// Whether a slot holds an error (other threads then stop taking work).
    public var failed: Bool {
        lock.lock(); defer { lock.unlock() }
        return slots.contains { if case .failure = $0 { return true } else { return false } }
    }

    /// Every value in index order, or the first error by index.
    public func values() throws -> [T] {
        lock.lock(); defer { lock.unlock() }
        return try slots.map { try $0!.get() }
    }
}

/// Hands out 0, 1, 2, … to several threads (work items, progress counts).
public final class IndexCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    public init() {}

    /// The next index, or nil once `limit` have been handed out.
    public func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }

    /// The next index.
    public func next() -> Int { take(below: .max)! }
}
