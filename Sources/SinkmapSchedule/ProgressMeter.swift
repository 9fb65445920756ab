import Foundation

/// Progress on stderr: a bar on a terminal, a plain line per 10 % otherwise, nothing when
/// quiet. Each phase (the tiles, then writing the outputs) shows its count and an estimate of
/// the time it has left, from its own rate so far.
public final class ProgressMeter: @unchecked Sendable {
    public enum Style: Sendable { case bar, lines, quiet }
    let style: Style
    let lock = NSLock()
    var lastDecile = -1
    var phase = ""
    var phaseStart = Date()

    public init(style: Style) { self.style = style }

    /// A bar when stderr is a terminal, else lines; quiet wins.
    public static func automatic(quiet: Bool) -> ProgressMeter {
        ProgressMeter(style: quiet ? .quiet : (isatty(2) != 0 ? .bar : .lines))
    }

    public func message(_ text: String) {
        guard style != .quiet else { return }
        lock.lock(); defer { lock.unlock() }
        if style == .bar { write("\r\u{1B}[K") }
        write(text + "\n")
    }

    /// `done` of `total` `unit` of the phase `label` are finished.
    public func update(done: Int, total: Int, label: String, unit: String = "tiles") {
        guard style != .quiet, total > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        if label != phase {
            phase = label
            phaseStart = Date()
            lastDecile = -1
        }
        let fraction = Double(done) / Double(total)
        let elapsed = Date().timeIntervalSince(phaseStart)
        let left = done > 0 && done < total ? ", about \(ProgressMeter.duration(elapsed / Double(done) * Double(total - done))) left" : ""
        switch style {
        case .bar:
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            write("\r\u{1B}[K\(label) [\(bar)] \(done)/\(total) \(unit) \(Int(fraction * 100))%\(left)")
            if done == total { write("\n") }
        case .lines:
            let decile = Int(fraction * 10)
            if decile > lastDecile {
                lastDecile = decile
                write("\(label): \(done)/\(total) \(unit) (\(Int(fraction * 100))%\(left))\n")
            }
        case .quiet: break
        }
    }

    /// "4 s", "2 min 5 s", "1 h 3 min".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \((s % 3600) / 60) min"
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
