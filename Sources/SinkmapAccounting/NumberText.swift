/// Numbers as text for tables and reports.
public enum NumberText {
    /// The shortest text that reads back as the same Double; whole numbers without ".0".
    public static func shortest(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }
}
