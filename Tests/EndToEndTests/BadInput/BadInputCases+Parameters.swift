import Foundation

/// The parameter table (SPEC §4): columns, codes, ecosystems, ranges, encoding.
extension BadInputCase {
    /// Row 4 (deciduous broadleaf forest, line 5 of the demo's table) with `fields` replaced:
    /// the row's first fields are `code, name, ecosystem, eps_max, ndvi_min, ndvi_max, agb_a,
    /// agb_b, root_shoot, c_above, c_below, c_soil, c_dead, method`.
    static func row4(_ s: Scratch, _ fields: [Int: String]) throws {
        var cells = Scratch.row4.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for (i, v) in fields { cells[i] = v }
        try s.editTable(Scratch.row4, cells.joined(separator: ","))
    }

    static let parameters: [BadInputCase] = [
        .refused("params-file-missing", "a parameter table that does not exist", ["parameters: classes-2023.csv: no such file"]) { s in
            try s.edit("parameters: classes.csv", "parameters: classes-2023.csv")
        },
        .refused("params-missing-column", "a table without `c_soil` (renamed `soil_carbon`)",
                 ["parameters", "classes.csv line 1, column c_soil", "missing required column"]) { s in
            try s.editTable(",c_below,c_soil,", ",c_below,soil_carbon,")
        },
        .refused("params-column-twice", "a header naming `eps_max` twice", ["classes.csv line 1, column eps_max", "appears twice"]) { s in
            try s.editTable(",ndvi_min,", ",eps_max,")
        },
        .refused("params-duplicate-code", "code 4 on two rows", ["classes.csv line 6, column code", "duplicate code 4 (first on line 5)"]) { s in
            try s.editTable("5,Mixed forests,", "4,Mixed forests,")
        },
        .refused("params-non-integer-code", "code `5.5`", ["classes.csv line 6, column code", "\"5.5\" is not an integer code"]) { s in
            try s.editTable("5,Mixed forests,", "5.5,Mixed forests,")
        },
        .refused("params-unknown-ecosystem", "ecosystem `jungle`", ["classes.csv line 5, column ecosystem", "unknown ecosystem \"jungle\""]) { s in
            try row4(s, [2: "jungle"])
        },
        .refused("params-eps-max-zero", "eps_max 0 for a CASA class", ["classes.csv line 5, column eps_max", "outside (0, 5]"]) { s in
            try row4(s, [3: "0"])
        },
        .refused("params-eps-max-seven", "eps_max 7 gC/MJ", ["classes.csv line 5, column eps_max", "outside (0, 5]"]) { s in
            try row4(s, [3: "7"])
        },
        .refused("params-eps-max-text", "eps_max `high`", ["classes.csv line 5, column eps_max", "\"high\" is not a number"]) { s in
            try row4(s, [3: "high"])
        },
        .refused("params-ndvi-min-above-max", "ndvi_min 0.8 above ndvi_max 0.747", ["classes.csv line 5, column ndvi_min", "must be less than ndvi_max"]) { s in
            try row4(s, [4: "0.8"])
        },
        .refused("params-ndvi-min-equals-max", "ndvi_min = ndvi_max", ["classes.csv line 5, column ndvi_min", "must be less than ndvi_max"]) { s in
            try row4(s, [4: "0.747"])
        },
        .refused("params-ndvi-max-one", "ndvi_max 1 (SR(1) is infinite)", ["classes.csv line 5, column ndvi_max", "must be less than 1"]) { s in
            try row4(s, [5: "1"])
        },
        .refused("params-agb-a-without-b", "agb_a given, agb_b empty", ["classes.csv line 5, column agb_b", "must both be given or both be empty"]) { s in
            try row4(s, [7: ""])
        },
        .refused("params-negative-c-soil", "c_soil -88", ["classes.csv line 5, column c_soil", "-88 is negative"]) { s in
            try row4(s, [11: "-88"])
        },
        .refused("params-empty-c-above", "c_above empty", ["classes.csv line 5, column c_above", "value is empty"]) { s in
            try row4(s, [9: ""])
        },
        .refused("params-unknown-method", "method `lue`", ["classes.csv line 5, column method", "unknown method \"lue\""]) { s in
            try row4(s, [13: "lue"])
        },
        .refused("params-short-row", "a row with fewer fields than the header", ["classes.csv line 5", "fields, the header has"]) { s in
            var lines = try s.tableText().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines[4] = "4,Deciduous broadleaf forests,forest,0.692"
            try lines.joined(separator: "\n").write(toFile: s.tablePath, atomically: true, encoding: .utf8)
        },
        .refused("params-not-utf8", "a table saved in Latin-1", ["parameters", "classes.csv", "UTF-8"]) { s in
            var data = try Data(contentsOf: URL(fileURLWithPath: s.tablePath))
            data.append(contentsOf: Array("18,For\u{EA}t mixte,forest,0.5,0.023,0.7,,,0.2,50,10,80,5,casa,Latin-1\n".unicodeScalars.map { UInt8($0.value) }))
            try data.write(to: URL(fileURLWithPath: s.tablePath))
        },
        .refused("params-header-only", "a table with a header and no rows", ["classes.csv", "no class rows"]) { s in
            let header = try s.tableText().split(separator: "\n")[0]
            try (header + "\n").write(toFile: s.tablePath, atomically: true, encoding: .utf8)
        },
    ]
}
