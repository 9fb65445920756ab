import Foundation

/// Wall-clock laps.
public struct Stopwatch {
    private var last = DispatchTime.now().uptimeNanoseconds
    public init() {}
    public mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e9
    }
}
