import SinkmapScene

/// What a run must say about data left out: the warnings printed on stderr (even with
/// --quiet) and kept in summary.json.
public enum Warnings {
    /// Share of accounted pixels without NEP above which the most affected units are named.
    public static let nepMissingShare = 0.001

    public static func of(_ leftOut: LeftOut, rolled: [[[ZoneTotals]]], hierarchy: ZoneHierarchy) -> [String] {
        var out: [String] = []
        if !leftOut.unknownCodes.isEmpty {
            let list = leftOut.unknownCodes.keys.sorted().map { "\($0) (\(leftOut.unknownCodes[$0]!) px)" }.joined(separator: ", ")
            out.append("land-cover codes not in the parameter table, left out: \(list)")
        }
        if leftOut.negativePrecipitation > 0 {
            out.append("\(leftOut.negativePrecipitation) pixels have negative precipitation (left as nodata)")
        }
        if leftOut.invalidInputValues > 0 {
            out.append("\(leftOut.invalidInputValues) input values were not finite or beyond ±1e30 (undeclared fill values?) and were read as nodata")
        }
        if leftOut.implausibleValues > 0 {
            out.append("\(leftOut.implausibleValues) pixel values beyond ±1e18 per pixel were left out of the totals as implausible")
        }
        if leftOut.canopyMissing > 0 {
            out.append("\(leftOut.canopyMissing) pixels of classes with lidar allometry have no canopy height; their carbon comes from the table's pools")
        }
        // Units with more than 1 % of their area without valid land cover (finest level).
        let level = hierarchy.levels[0].name
        let holes = rolled[0].indices.compactMap { u -> String? in
            let whole = rolled[0][u].reduce(into: Int128(0)) { $0 += $1.area }
            let missing = ZoneTotals.lcMissingArea(rolled[0][u])
            guard whole > 0, missing * 100 > whole else { return nil }
            let unit = hierarchy.units[0][u]
            return "\(unit.id)\(unit.name.isEmpty ? "" : " \(unit.name)") \(percent(Double(missing) / Double(whole)))"
        }
        if !holes.isEmpty {
            out.append("\(level) units with more than 1 % of their area without valid land cover (nodata or codes not in the table; in lc_missing_ha): \(holes.joined(separator: ", "))")
        }
        // Units most affected by missing NEP (finest level).
        let units = rolled[0].map { parts in parts.reduce(into: ZoneTotals()) { $0.merge($1) } }
        let accounted = units.map(\.pixels).reduce(0, +)
        let missing = units.map { $0.pixels - $0.pixelsNEP }.reduce(0, +)
        if accounted > 0, Double(missing) > nepMissingShare * Double(accounted) {
            let worst = units.indices.filter { units[$0].pixels > units[$0].pixelsNEP }
                .sorted { share(units[$0]) > share(units[$1]) || (share(units[$0]) == share(units[$1]) && $0 < $1) }
                .prefix(5)
                .map { i in
                    let u = hierarchy.units[0][i]
                    return "\(u.id)\(u.name.isEmpty ? "" : " \(u.name)") \(percent(share(units[i])))"
                }
            out.append("\(missing) of \(accounted) accounted pixels (\(percent(Double(missing) / Double(accounted)))) have no NPP/Rh/NEP (a monthly input is nodata); most affected \(level) units: \(worst.joined(separator: ", "))")
        }
        return out
    }

    static func share(_ t: ZoneTotals) -> Double { t.pixels == 0 ? 0 : Double(t.pixels - t.pixelsNEP) / Double(t.pixels) }

    static func percent(_ x: Double) -> String {
        let p = x * 100
        return p >= 10 ? "\(Int(p.rounded())) %" : "\(Double(Int((p * 100).rounded())) / 100) %"
    }
}
