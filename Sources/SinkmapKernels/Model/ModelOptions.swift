/// Heterotrophic-respiration model (SPEC §3, "Rh").
public enum RhModel: Sendable, Equatable {
    /// Pei et al. 2009: Rh_m = 0.22·(exp(0.0912·T_m) + ln(0.3145·P_m + 1))·30·0.465, gC m⁻² month⁻¹.
    case pei2009
    /// Rh_m = rRef·30·q10^((T_m − tRef)/10), gC m⁻² month⁻¹.
    /// `rRef` in gC m⁻² day⁻¹ at `tRef` (°C); `q10` dimensionless, must be > 0.
    case q10(rRef: Double, q10: Double, tRef: Double)

    /// The model and its parameters as text, e.g. "q10 (r_ref 1.3, q10 2.4, t_ref 12)".
    public var name: String {
        switch self {
        case .pei2009: return "pei2009"
        case .q10(let r, let q, let t): return "q10 (r_ref \(r), q10 \(q), t_ref \(t))"
        }
    }
}

/// The AGB model of a run: the table's allometry, or kNN imputation from the scene's plots.
public enum AGBModel: Sendable, Equatable {
    case allometric
    case knn(k: Int)
}

/// Run-wide model choices from the scene's `models:` section.
public struct ModelOptions: Sendable, Equatable {
    public var rh: RhModel
    /// Carbon fraction of dry biomass (SPEC `carbon_fraction`, dimensionless, must be > 0).
    public var carbonFraction: Double
    /// How AGB is mapped where a class has a lidar allometry and the pixel a canopy height.
    public var agb: AGBModel

    public init(rh: RhModel = .pei2009, carbonFraction: Double = 0.47, agb: AGBModel = .allometric) {
        self.rh = rh
        self.carbonFraction = carbonFraction
        self.agb = agb
    }
}
