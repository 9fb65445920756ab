import Dispatch
import Foundation
import Glibc
import Synchronization

/// SIGINT and SIGTERM, turned from "die now" into "stop at the next tile": the run's
/// workers and steps check `Interruption.check()`, the staging folder is removed, and the
/// command line prints one line and exits 128 + the signal.
public enum Interruption {
    /// The signal received (0: none).
    static let received = Atomic<Int32>(0)
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let installLock = NSLock()

    /// The run was stopped by `signal`.
    public struct Interrupted: Error, CustomStringConvertible, Sendable {
        public var signal: Int32
        public var description: String { "interrupted by signal \(signal)" }
        /// 130 for SIGINT, 143 for SIGTERM.
        public var exitCode: Int32 { 128 + signal }
    }

    /// Catches SIGINT and SIGTERM from now on (idempotent).
    public static func install() {
        installLock.lock(); defer { installLock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM] {
            _ = Glibc.signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { received.store(sig, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
    }

    /// The signal received so far, 0 when none.
    public static var signal: Int32 { received.load(ordering: .relaxed) }

    /// Throws `Interrupted` once a signal has been received.
    public static func check() throws {
        let s = signal
        if s != 0 { throw Interrupted(signal: s) }
    }
}
