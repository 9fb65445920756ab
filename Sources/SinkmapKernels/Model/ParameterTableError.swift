/// A parameter table that cannot be used. `description` is one line naming the
/// file, the line and the column at fault, e.g.
/// `classes.csv line 4, column eps_max: "abc" is not a number`.
public struct ParameterTableError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The `source` passed to `ParameterTable.init(csv:source:)`, usually the file path.
    public var source: String
    /// 1-based line of the CSV text, nil for whole-file problems.
    public var line: Int?
    /// Column name, nil when the problem is not about one column.
    public var column: String?
    public var message: String

    public init(source: String, line: Int? = nil, column: String? = nil, message: String) {
        self.source = source; self.line = line; self.column = column; self.message = message
    }

    public var description: String {
        var place = source
        if let line { place += " line \(line)" }
        if let column { place += (line == nil ? " " : ", ") + "column \(column)" }
        return place + ": " + message
    }
}
