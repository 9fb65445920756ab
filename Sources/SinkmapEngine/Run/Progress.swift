import Foundation

/// Progress on stderr: a bar on a terminal, a plain line per 10 % otherwise, nothing when quiet.
public final class Progress: @unchecked Sendable {
    public enum Style: Sendable { case bar, lines, quiet }
    let style: Style
    let lock = NSLock()
    var lastDecile = -1

    public init(style: Style) { self.style = style }

    /// A bar when stderr is a terminal, else lines; quiet wins.
    public static func automatic(quiet: Bool) -> Progress {
        Progress(style: quiet ? .quiet : (isatty(2) != 0 ? .bar : .lines))
    }

    public func message(_ text: String) {
        guard style != .quiet else { return }
        lock.lock(); defer { lock.unlock() }
        if style == .bar { write("\r\u{1B}[K") }
        write(text + "\n")
    }

    public func update(done: Int, total: Int, label: String) {
        guard style != .quiet, total > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        let fraction = Double(done) / Double(total)
        switch style {
        case .bar:
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            write("\r\(label) [\(bar)] \(done)/\(total) tiles \(Int(fraction * 100))%")
            if done == total { write("\n") }
        case .lines:
            let decile = Int(fraction * 10)
            if decile > lastDecile {
                lastDecile = decile
                write("\(label): \(done)/\(total) tiles (\(Int(fraction * 100))%)\n")
            }
        case .quiet: break
        }
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
