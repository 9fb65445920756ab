import Foundation

/// The lidar allometry AGB = a·H^b fitted to field plots: ln AGB = ln a′ + b·ln H by ordinary
/// least squares, then a = exp(ln a′ + s²/2) (Baskerville 1972: the back-transformed log model
/// predicts the median; the factor makes it the mean under log-normal errors).
public struct AllometricFit: Sendable, Equatable, Codable {
    public var n: Int
    /// ln a′ (the intercept before the correction) and the slope b.
    public var lnA: Double, b: Double
    /// a = exp(ln a′ + s²/2).
    public var a: Double
    /// Residual variance of the log model, RSS / (n − 2).
    public var s2: Double
    /// R² of the log model.
    public var r2: Double
    /// Standard errors of ln a′ and b (OLS).
    public var seLnA: Double, seB: Double

    enum CodingKeys: String, CodingKey {
        case n, a, b, s2, r2
        case lnA = "ln_a_prime", seLnA = "se_ln_a_prime", seB = "se_b"
    }

    /// Why a class keeps its table values.
    public enum Skip: Error, Equatable {
        case tooFew(Int)
        case constantHeight
    }

    /// Fits (H, AGB) pairs with H > 0 and AGB > 0 (others are ignored). Refused with fewer
    /// than `minPlots` such pairs (and always with fewer than 3, which leave s² undefined) or
    /// when their heights do not vary.
    public static func fit(heights: [Double], agb: [Double], minPlots: Int) -> Result<AllometricFit, Skip> {
        var x: [Double] = [], y: [Double] = []
        for (h, m) in zip(heights, agb) where h > 0 && m > 0 {
            x.append(log(h)); y.append(log(m))
        }
        let n = x.count
        guard n >= max(minPlots, 3) else { return .failure(.tooFew(n)) }
        let mx = x.reduce(0, +) / Double(n), my = y.reduce(0, +) / Double(n)
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for i in 0..<n {
            let dx = x[i] - mx, dy = y[i] - my
            sxx += dx * dx; sxy += dx * dy; syy += dy * dy
        }
        guard sxx > 1e-12 * Double(n) else { return .failure(.constantHeight) }
        let b = sxy / sxx, lnA = my - b * mx
        var rss = 0.0
        for i in 0..<n {
            let e = y[i] - lnA - b * x[i]
            rss += e * e
        }
        let s2 = rss / Double(n - 2)
        return .success(AllometricFit(n: n, lnA: lnA, b: b, a: exp(lnA + s2 / 2), s2: s2,
                                      r2: syy > 0 ? 1 - rss / syy : 1,
                                      seLnA: (s2 * (1 / Double(n) + mx * mx / sxx)).squareRoot(),
                                      seB: (s2 / sxx).squareRoot()))
    }

    /// The allometry as the map applies it: a·clamp(H, 0, 100)^b.
    public static func predict(a: Double, b: Double, height: Double) -> Double {
        a * pow(min(max(height, 0), 100), b)
    }
}

/// Accuracy of predictions against observations: RMSE, relative RMSE (over the observed mean),
/// bias (mean of predicted − observed), R² (1 − SS_res / SS_tot) and accuracy = 1 − relative RMSE.
public struct Accuracy: Sendable, Equatable, Codable {
    public var n: Int
    public var rmse: Double, relativeRMSE: Double, bias: Double, accuracy: Double
    /// nil when the observations do not vary.
    public var r2: Double?

    enum CodingKeys: String, CodingKey {
        case n, rmse, bias, r2, accuracy
        case relativeRMSE = "relative_rmse"
    }

    /// nil for no pairs.
    public static func of(observed: [Double], predicted: [Double]) -> Accuracy? {
        let n = observed.count
        guard n > 0 else { return nil }
        let mean = observed.reduce(0, +) / Double(n)
        var ss = 0.0, st = 0.0, d = 0.0
        for (o, p) in zip(observed, predicted) {
            ss += (p - o) * (p - o); st += (o - mean) * (o - mean); d += p - o
        }
        let rmse = (ss / Double(n)).squareRoot()
        let rel = rmse / mean
        return Accuracy(n: n, rmse: rmse, relativeRMSE: rel, bias: d / Double(n), accuracy: 1 - rel,
                        r2: st > 0 ? 1 - ss / st : nil)
    }
}
