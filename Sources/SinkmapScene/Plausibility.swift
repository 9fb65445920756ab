import GDALKit
import SinkmapGrid

/// Checks of input values against physical ranges, from a sample of each file (no full
/// read): what is impossible is refused, naming the file, the month, the value and the likely
/// fix; what is only implausible is returned as warnings. SPEC's units are the contract:
/// NDVI dimensionless in [−1, 1], temperature °C (monthly mean), precipitation mm per month,
/// radiation MJ/m² per month.
struct Plausibility {
    /// Builds the refusal for a scene field.
    let refuse: (_ field: String, _ message: String) -> SceneError

    // The accepted ranges (docs/refusals.md, "What sinkmap refuses and why").
    static let temperatureRange: ClosedRange<Float> = -90...60
    static let maxMonthlyRadiation: Float = 1300
    static let maxAnnualRadiation = 12_000.0, lowAnnualRadiation = 2_000.0
    static let maxMonthlyPrecipitation: Float = 10_000
    static let ndviSlack: Float = 0.001

    /// Valid physical values of a sample of the raster (scale, offset and nodata applied).
    func sample(_ r: AlignedRaster, field: String) throws -> [Float] {
        let raw: [Float]
        do {
            raw = try Dataset(path: r.path).sample(band: r.band)
        } catch let e as GDALError {
            throw refuse(field, "\(r.path): \(e.message)")
        }
        let nodata = r.nodata.map { Float($0) }
        return raw.compactMap { v in
            if v.isNaN || !(abs(v) <= 1e30) || v == nodata { return nil }
            return Float(Double(v) * r.scale + r.offset)
        }
    }

    static func median(_ v: [Float]) -> Float? { v.isEmpty ? nil : v.sorted()[v.count / 2] }

    func ndvi(_ r: AlignedRaster, field: String) throws {
        let v = try sample(r, field: field)
        let hint = "is a scale factor missing or applied twice (Int16 NDVI usually needs scale: 0.0001, once)?"
        if let bad = v.first(where: { abs($0) > 1 + Plausibility.ndviSlack }) {
            throw refuse(field, "\(r.path): NDVI value \(bad) (after scale \(r.scale), offset \(r.offset)) is outside [-1, 1]; \(hint)")
        }
        if v.count >= 100, let top = v.map(abs).max(), top < 0.01 {
            throw refuse(field, "\(r.path): every NDVI value lies within ±0.01 (largest \(top), after scale \(r.scale)); \(hint)")
        }
    }

    func landcover(_ r: AlignedRaster, field: String = "landcover") throws {
        let v = try sample(r, field: field)
        if let bad = v.first(where: { $0 != $0.rounded() }) {
            throw refuse(field, "\(r.path): land-cover value \(bad) is not a whole number; the land cover must hold class codes")
        }
        if v.isEmpty {
            throw refuse(field, "\(r.path): every sampled pixel is nodata\(r.nodata.map { " (\($0))" } ?? ""); is it the right file or band?")
        }
    }

    /// The monthly climate of the 12 periods; returns warnings.
    func climate(temperature: [AlignedRaster], precipitation: [AlignedRaster], radiation: [AlignedRaster],
                 months: [String]) throws -> [String] {
        var warnings: [String] = []
        var annualRadiation = 0.0, wettest: Float = 0
        for m in months.indices {
            let field = "periods[\(m)]"
            let t = try sample(temperature[m], field: field + ".temperature")
            if let bad = t.first(where: { !Plausibility.temperatureRange.contains($0) }) {
                let median = Plausibility.median(t) ?? 0
                let spread = t.map(abs).max() ?? 0
                let kelvin = median > 150 && median < 350 ? "; it looks like kelvin: add offset: -273.15"
                    : spread < 900 ? "; it looks like tenths of a degree: add scale: 0.1"
                    : "; check the unit (SPEC: °C, monthly mean) and scale/offset"
                throw refuse(field + ".temperature", "\(temperature[m].path): \(months[m]) temperature \(bad) °C is outside [-90, 60]\(kelvin)")
            }
            let p = try sample(precipitation[m], field: field + ".precipitation")
            if let bad = p.first(where: { $0 > Plausibility.maxMonthlyPrecipitation }) {
                throw refuse(field + ".precipitation", "\(precipitation[m].path): \(months[m]) precipitation \(bad) mm is above 10000 mm in a month; check the unit (SPEC: mm per month; 0.1 mm units need scale: 0.1)")
            }
            wettest = max(wettest, p.max() ?? 0)
            let s = try sample(radiation[m], field: field + ".radiation")
            if let bad = s.first(where: { $0 > Plausibility.maxMonthlyRadiation }) {
                throw refuse(field + ".radiation", "\(radiation[m].path): \(months[m]) radiation \(bad) MJ/m² is above 1300 MJ/m² in a month; kJ/m²/day needs scale: 0.001 × days (e.g. 0.031 for 31 days), J/m² per month scale: 0.000001 (SPEC: MJ/m² per month)")
            }
            annualRadiation += Double(Plausibility.median(s) ?? 0)
        }
        if annualRadiation > Plausibility.maxAnnualRadiation {
            throw refuse("periods", "radiation sums to about \(Int(annualRadiation)) MJ/m² a year, above 12000; check its unit (SPEC: MJ/m² per month)")
        }
        if annualRadiation < Plausibility.lowAnnualRadiation {
            warnings.append("radiation sums to only about \(Int(annualRadiation)) MJ/m² a year (below 2000): MJ/m²/day needs scale: days in the month (e.g. 31), mean W/m² needs scale: 0.0864 × days (e.g. 2.678 for 31 days); SPEC: MJ/m² per month")
        }
        if wettest < 1 {
            warnings.append("precipitation is below 1 mm in every month (largest \(wettest)): metres need scale: 1000 (SPEC: mm per month)")
        }
        return warnings
    }
}
