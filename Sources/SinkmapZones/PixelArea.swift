import Foundation
import GDALKit

/// The true area of the pixels of a north-up grid, in m², per row.
///
/// Projected CRS: the cell area (in the CRS's linear unit, converted to metres).
/// Geographic CRS: the area on the ellipsoid of the cell between its two parallels and
/// two meridians, which changes with latitude:
/// A = Δλ · b² · [F(φ₂) − F(φ₁)], F(φ) = sin φ / (2(1 − e² sin² φ)) + atanh(e sin φ) / (2e).
public struct PixelArea: Sendable {
    /// Area in m² of a pixel of each grid row.
    public let rowArea: [Double]

    public init(grid: Grid, isGeographic: Bool, semiMajor: Double, inverseFlattening: Double, linearUnitMetres: Double = 1) {
        let t = grid.transform
        if !isGeographic {
            let a = t.cellArea * linearUnitMetres * linearUnitMetres
            rowArea = [Double](repeating: a, count: grid.height)
            return
        }
        let degree = Double.pi / 180
        let dLambda = abs(t.pixelWidth) * degree
        rowArea = (0..<grid.height).map { row in
            let lat1 = (t.originY + Double(row) * t.pixelHeight) * degree
            let lat2 = (t.originY + Double(row + 1) * t.pixelHeight) * degree
            return PixelArea.ellipsoidalCell(lat1: lat1, lat2: lat2, dLambda: dLambda,
                                             semiMajor: semiMajor, inverseFlattening: inverseFlattening)
        }
    }

    /// Area (m²) of the ellipsoidal quadrangle between latitudes lat1, lat2 (radians)
    /// spanning dLambda radians of longitude.
    public static func ellipsoidalCell(lat1: Double, lat2: Double, dLambda: Double,
                                       semiMajor a: Double, inverseFlattening invf: Double) -> Double {
        if invf == 0 || !invf.isFinite {  // a sphere
            return abs(dLambda * a * a * (sin(lat2) - sin(lat1)))
        }
        let f = 1 / invf
        let e2 = f * (2 - f)
        let e = e2.squareRoot()
        let b2 = a * a * (1 - e2)
        func F(_ phi: Double) -> Double {
            let s = sin(phi)
            return s / (2 * (1 - e2 * s * s)) + atanh(e * s) / (2 * e)
        }
        return abs(dLambda * b2 * (F(lat2) - F(lat1)))
    }
}
