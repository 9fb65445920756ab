/// Where each constant of a class sits in `PreparedClasses.rows`. Compiled into both builds of
/// the kernels (see VectorMath.swift), so the offsets are constants in each (declared in the
/// other module, they would be calls in the AVX-512 build's gather loop).
enum ClassRow {
    /// Doubles per row.
    static let stride = 16

    enum Field: Int {
        case ndviMin, ndviMax
        /// FPAR = 0.001 + (N − ndvi_min)·(c1 + c2/(1 − N)), an exact rewriting of SPEC's α-blend.
        case fparC1, fparC2
        /// ε_max·0.5 (gC MJ⁻¹ times the PAR share).
        case epsHalf
        /// Allometry a, b; NaN when the class has none.
        case agbA, agbB
        /// CF·(1 + root_shoot): C_above + C_below per Mg of AGB.
        case carbonPerAGB
        /// c_soil + c_dead, Mg C ha⁻¹.
        case soilDead
        /// c_above/CF, Mg ha⁻¹, and c_above + c_below + c_soil + c_dead, Mg C ha⁻¹ (table path).
        case agbTable, carbonTable
    }
}
