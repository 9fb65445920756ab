/// The parameter table (SPEC §4): one row per land-cover code.
///
/// CSV with a header row naming at least `requiredColumns`, in any order; other
/// columns (such as a `source` comment column) are allowed and ignored. Header
/// names are matched without regard to case or surrounding spaces.
public struct ParameterTable: Sendable, Equatable {
    /// Classes in file order; a class's position is its class index in the kernels.
    public var classes: [ClassParameters]

    /// The 13 columns SPEC §4 requires.
    public static let requiredColumns: [String] = [
        "code", "name", "ecosystem", "eps_max", "ndvi_min", "ndvi_max",
        "agb_a", "agb_b", "root_shoot", "c_above", "c_below", "c_soil", "c_dead",
    ]

    /// Largest plausible maximum light-use efficiency, gC/MJ (published CASA values lie
    /// between about 0.4 and 3).
    public static let maxEpsMax = 5.0

    public init(classes: [ClassParameters]) { self.classes = classes }

    /// Position of the class with this land-cover code, nil when absent.
    public func index(ofCode code: Int) -> Int? { classes.firstIndex { $0.code == code } }

    /// Parses and validates a table. `source` names the text in error messages (usually its path).
    ///
    /// Checked: every required column present (once); `code` an integer, unique; `ecosystem`
    /// one of `Ecosystem`; `method` (optional column) `casa` (default, also when empty) or
    /// `none`; every number finite; 0 < eps_max ≤ 5 gC/MJ for CASA classes (≥ 0 otherwise);
    /// −1 < ndvi_min < ndvi_max < 1
    /// (SR(x) = (1+x)/(1−x) must be finite); agb_a and agb_b both empty or both given with
    /// agb_a ≥ 0 and agb_b > 0; root_shoot and c_* ≥ 0; at least one class row.
    public init(csv: String, source: String) throws(ParameterTableError) {
        var text = csv
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        let records: [CSV.Record]
        do { records = try CSV.parse(text) } catch {
            switch error {
            case .unterminatedQuote(let line):
                throw ParameterTableError(source: source, line: line, column: nil, message: "unterminated quoted field")
            }
        }
        guard let header = records.first else {
            throw ParameterTableError(source: source, line: nil, column: nil, message: "the table is empty (no header row)")
        }
        let columns = try Self.columns(header, source: source)
        var rows: [ClassParameters] = []
        var lineOfCode: [Int: Int] = [:]
        for record in records.dropFirst() {
            let row = RowReader(record: record, header: header, columns: columns, source: source)
            rows.append(try row.parameters(lineOfCode: &lineOfCode))
        }
        if rows.isEmpty {
            throw ParameterTableError(source: source, line: nil, column: nil, message: "the table has a header but no class rows")
        }
        self.classes = rows
    }

    /// Column name (trimmed, lower case) → position; refuses a repeated or a missing required column.
    static func columns(_ header: CSV.Record, source: String) throws(ParameterTableError) -> [String: Int] {
        var columnIndex: [String: Int] = [:]
        for (i, raw) in header.fields.enumerated() {
            let name = raw.trimmed.lowercased()
            if name.isEmpty { continue }
            if columnIndex[name] != nil {
                throw ParameterTableError(source: source, line: header.line, column: name, message: "column appears twice in the header")
            }
            columnIndex[name] = i
        }
        let missing = requiredColumns.filter { columnIndex[$0] == nil }
        if !missing.isEmpty {
            throw ParameterTableError(source: source, line: header.line, column: missing[0], message:
                "missing required column" + (missing.count > 1 ? "s " + missing.joined(separator: ", ") : "")
                + " (header has: \(header.fields.map { $0.trimmed }.joined(separator: ", ")))")
        }
        return columnIndex
    }

    /// One class row read and checked, field by field in the order the refusals are reported.
    struct RowReader {
        let record: CSV.Record
        let header: CSV.Record
        let columns: [String: Int]
        let source: String
        var line: Int { record.line }

        func fail(_ column: String?, _ message: String) -> ParameterTableError {
            ParameterTableError(source: source, line: line, column: column, message: message)
        }
        func field(_ column: String) -> String { record.fields[columns[column]!].trimmed }
        func number(_ column: String) throws(ParameterTableError) -> Double {
            let text = field(column)
            if text.isEmpty { throw fail(column, "value is empty") }
            guard let value = Double(text), value.isFinite else { throw fail(column, "\"\(text)\" is not a number") }
            return value
        }
        func optionalNumber(_ column: String) throws(ParameterTableError) -> Double? {
            field(column).isEmpty ? nil : try number(column)
        }
        func nonNegative(_ column: String) throws(ParameterTableError) -> Double {
            let value = try number(column)
            if value < 0 { throw fail(column, "\(field(column)) is negative") }
            return value
        }

        /// The row's parameters; `lineOfCode` (code → line of its first row) refuses a repeated code.
        func parameters(lineOfCode: inout [Int: Int]) throws(ParameterTableError) -> ClassParameters {
            if record.fields.count != header.fields.count {
                throw fail(nil, "has \(record.fields.count) fields, the header has \(header.fields.count) (quote fields that contain commas)")
            }
            let codeText = field("code")
            guard let code = Int(codeText) else { throw fail("code", "\"\(codeText)\" is not an integer code") }
            if let first = lineOfCode[code] { throw fail("code", "duplicate code \(code) (first on line \(first))") }
            lineOfCode[code] = line

            let ecoText = field("ecosystem")
            guard let ecosystem = Ecosystem(rawValue: ecoText.lowercased()) else {
                throw fail("ecosystem", "unknown ecosystem \"\(ecoText)\" (expected one of \(Ecosystem.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let method = try self.method()
            let epsMax = try nonNegative("eps_max")
            if method == .casa && !(epsMax > 0 && epsMax <= ParameterTable.maxEpsMax) {
                throw fail("eps_max", "eps_max \(field("eps_max")) gC/MJ is outside (0, 5] for a CASA class (method none gives a class no flux)")
            }
            let ndviMin = try number("ndvi_min"), ndviMax = try number("ndvi_max")
            if !(ndviMin > -1) { throw fail("ndvi_min", "ndvi_min \(field("ndvi_min")) must be greater than -1") }
            if !(ndviMax < 1) { throw fail("ndvi_max", "ndvi_max \(field("ndvi_max")) must be less than 1") }
            if !(ndviMin < ndviMax) {
                throw fail("ndvi_min", "ndvi_min \(field("ndvi_min")) must be less than ndvi_max \(field("ndvi_max"))")
            }
            let agbA = try optionalNumber("agb_a"), agbB = try optionalNumber("agb_b")
            if (agbA == nil) != (agbB == nil) {
                throw fail(agbA == nil ? "agb_a" : "agb_b", "agb_a and agb_b must both be given or both be empty")
            }
            if let agbA, agbA < 0 { throw fail("agb_a", "agb_a \(field("agb_a")) is negative") }
            if let agbB, !(agbB > 0) { throw fail("agb_b", "agb_b \(field("agb_b")) must be positive") }

            return ClassParameters(
                code: code, name: field("name"), ecosystem: ecosystem,
                epsMax: epsMax, ndviMin: ndviMin, ndviMax: ndviMax,
                agbA: agbA, agbB: agbB,
                rootShoot: try nonNegative("root_shoot"),
                cAbove: try nonNegative("c_above"), cBelow: try nonNegative("c_below"),
                cSoil: try nonNegative("c_soil"), cDead: try nonNegative("c_dead"), method: method)
        }

        /// `method` (optional column): casa, also when empty, or none.
        func method() throws(ParameterTableError) -> FluxMethod {
            guard columns["method"] != nil, !field("method").isEmpty else { return .casa }
            guard let m = FluxMethod(rawValue: field("method").lowercased()) else {
                throw fail("method", "unknown method \"\(field("method"))\" (expected casa or none)")
            }
            return m
        }
    }
}
