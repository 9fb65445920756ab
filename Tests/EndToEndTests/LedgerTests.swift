import Foundation
import SinkmapEngine
import Testing
import TestSupport
import SinkmapAccounting
import SinkmapArchive
import SinkmapWorkflows

/// The carbon ledger on a GeoPackage and on a real PostgreSQL server with PostGIS (a
/// throwaway cluster started by Tests/fixtures/postgis-fixture): append, re-append (no
/// change), restatement, the current figures; values read back equal zonal.csv exactly.
@Suite struct LedgerTests {
    /// Runs of 2019 and 2020 of the generated series, and 2019 again with another parameter
    /// table (grassland c_soil 61 instead of 60): a restatement.
    struct Runs {
        let dir = TempDir("ledger")
        var run2019 = "", run2020 = "", restated2019 = ""

        init() throws {
            try SeriesScene.write(to: dir)
            let table = try String(contentsOfFile: dir.file("classes.csv"), encoding: .utf8)
            let restated = table.replacingOccurrences(of: "10,Grassland,grassland,0.542,0.023,0.747,,,0.5,3,6,60,1",
                                                      with: "10,Grassland,grassland,0.542,0.023,0.747,,,0.5,3,6,61,1")
            precondition(restated != table)
            try restated.write(toFile: dir.file("classes-restated.csv"), atomically: true, encoding: .utf8)
            try String(contentsOfFile: dir.file("2019/scene.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "parameters: ../classes.csv", with: "parameters: ../classes-restated.csv")
                .write(toFile: dir.file("2019/restated.yaml"), atomically: true, encoding: .utf8)
            for (scene, out) in [("2019/scene.yaml", "run-2019"), ("2020/scene.yaml", "run-2020"), ("2019/restated.yaml", "run-2019b")] {
                let r = try sinkmap("run", dir.file(scene), "--out", dir.file(out), "--quiet")
                guard r.status == 0 else { throw Failed(description: "run \(scene): \(r.stderr)") }
            }
            (run2019, run2020, restated2019) = (dir.file("run-2019"), dir.file("run-2020"), dir.file("run-2019b"))
        }
    }

    struct Failed: Error, CustomStringConvertible { var description: String }

    /// The data lines of a zonal.csv.
    static func zonalLines(_ run: String) throws -> [String] {
        Array(try String(contentsOfFile: run + "/zonal.csv", encoding: .utf8).split(separator: "\n").dropFirst().map(String.init))
    }

    /// `ledger show` lines with the year and the ledger's four columns taken off: what remains
    /// must be zonal.csv's lines, character for character.
    static func shown(_ conn: String, _ extra: String...) throws -> (lines: [String], ledger: [[String]]) {
        let r = try runProcess(Repo.sinkmap, ["ledger", "show", conn] + extra)
        guard r.status == 0 else { throw Failed(description: "ledger show: \(r.stderr)") }
        var lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.removeFirst() == (["year"] + ZonalTable.header + CarbonLedger.ledgerColumns).joined(separator: ","))
        var zonal: [String] = [], ledger: [[String]] = []
        for line in lines {
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            ledger.append([cells[0]] + cells.suffix(4))
            cells.removeFirst()
            cells.removeLast(4)
            zonal.append(cells.joined(separator: ","))
        }
        return (zonal, ledger)
    }

    func append(_ run: String, _ conn: String, year: Int? = nil) throws -> String {
        let r = try runProcess(Repo.sinkmap, ["ledger", "append", run, "--to", conn] + (year.map { ["--year", "\($0)"] } ?? []))
        guard r.status == 0 else { throw Failed(description: "ledger append: \(r.stderr)") }
        return r.stdout
    }

    func exercise(_ conn: String, _ runs: Runs) throws {
        let lines2019 = try Self.zonalLines(runs.run2019), lines2020 = try Self.zonalLines(runs.run2020)
        let restatedLines = try Self.zonalLines(runs.restated2019)
        #expect(restatedLines != lines2019)
        let id2019 = try RunID.of(try Summary.read(path: runs.run2019 + "/summary.json"))
        let idRestated = try RunID.of(try Summary.read(path: runs.restated2019 + "/summary.json"))
        #expect(id2019 != idRestated)

        #expect(try append(runs.run2019, conn).contains("appended \(lines2019.count) rows of run \(id2019.prefix(12))"))
        #expect(try append(runs.run2019, conn).contains("already recorded; nothing appended"))
        #expect(try append(runs.run2020, conn, year: 2020).contains("appended \(lines2020.count) rows"))
        #expect(try CarbonLedger(connection: conn).history().rows.count == lines2019.count + lines2020.count)

        var shown = try Self.shown(conn, "--year", "2019")
        #expect(shown.lines == lines2019)
        #expect(shown.ledger.allSatisfy { $0[0] == "2019" && $0[1] == id2019 && $0[4] == "" })
        #expect(try Self.shown(conn, "--year", "2020").lines == lines2020)

        // A restatement adds rows and rewrites none; the current figures are the new run's.
        let restated = try append(runs.restated2019, conn, year: 2019)
        #expect(restated.contains("a restatement of run \(id2019.prefix(12))"), "\(restated)")
        shown = try Self.shown(conn, "--year", "2019")
        #expect(shown.lines == restatedLines)
        #expect(shown.ledger.allSatisfy { $0[1] == idRestated && $0[4] == id2019 })
        let history = try CarbonLedger(connection: conn).history()
        #expect(history.rows.count == 2 * lines2019.count + lines2020.count)
        let runColumn = history.columns.firstIndex(of: "run_id")!
        let oldRows = history.rows.filter { $0[runColumn] == id2019 }
        #expect(oldRows.count == lines2019.count, "the restated run's rows are kept")
        // Appending the superseded run again is a no-op too.
        #expect(try append(runs.run2019, conn).contains("already recorded"))
        #expect(try CarbonLedger(connection: conn).history().rows.count == history.rows.count)

        // One unit across the years: its rows of the current runs.
        let unitA = try Self.shown(conn, "--unit", "A")
        let expectedA = (restatedLines + lines2020).filter { $0.split(separator: ",")[1] == "A" }
        #expect(unitA.lines == expectedA && !expectedA.isEmpty)
        #expect(unitA.ledger.map { $0[0] } == restatedLines.filter { $0.split(separator: ",")[1] == "A" }.map { _ in "2019" }
                + lines2020.filter { $0.split(separator: ",")[1] == "A" }.map { _ in "2020" })
    }

    @Test func geoPackage() throws {
        let runs = try Runs()
        try exercise(runs.dir.file("ledger.gpkg"), runs)
    }

    @Test func postgis() throws {
        let runs = try Runs()
        let start = try runProcess(Repo.root + "/Tests/fixtures/postgis-fixture", ["start"])
        try #require(start.status == 0, "postgis-fixture: \(start.stderr)")
        var values: [String: String] = [:]
        for line in start.stdout.split(separator: "\n") {
            if let eq = line.firstIndex(of: "=") { values[String(line[..<eq])] = String(line[line.index(after: eq)...]) }
        }
        let dir = try #require(values["dir"]), conn = try #require(values["conn"])
        defer { _ = try? runProcess(Repo.root + "/Tests/fixtures/postgis-fixture", ["stop", dir]) }
        try exercise(conn, runs)
        // The view of current figures, read by PostgreSQL itself.
        let psql = try runProcess("/bin/sh", ["-c", "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)/psql -At -h '\(dir)' -U \(conn.split(separator: "=").last!) -d ledger -c \"SELECT count(*) FROM carbon_ledger_current\""])
        #expect(psql.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(try Self.zonalLines(runs.restated2019).count + Self.zonalLines(runs.run2020).count)", "\(psql.stderr)")
    }

    /// `series --ledger` appends every year; a second series over the same inputs appends nothing.
    @Test func seriesAppendsEveryYear() throws {
        let dir = TempDir("ledger-series")
        try SeriesScene.write(to: dir)
        let ledger = dir.file("ledger.gpkg")
        for (out, word) in [("out", "appended"), ("out2", "already recorded")] {
            let r = try sinkmap("series", dir.file("series.yaml"), "--out", dir.file(out), "--quiet", "--ledger", ledger)
            try #require(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.split(separator: "\n").filter { $0.contains("ledger") && $0.contains(word) }.count == 4, "\(r.stdout)")
        }
        for year in SeriesScene.years {
            #expect(try Self.shown(ledger, "--year", "\(year)").lines == Self.zonalLines(dir.file("out/\(year)")))
        }
    }

    /// A folder that is not a run, a missing ledger and a run over two calendar years without
    /// --year are refused in one line, and no ledger file is created.
    @Test func refusals() throws {
        let dir = TempDir("ledger-refuse")
        try SeriesScene.write(to: dir)
        // July 2019 to June 2020: a hydrological year.
        var scene = try String(contentsOfFile: dir.file("2019/scene.yaml"), encoding: .utf8)
        for m in 1...6 { scene = scene.replacingOccurrences(of: "month: 2019-0\(m)", with: "month: 2020-0\(m)") }
        try scene.write(toFile: dir.file("2019/hydro.yaml"), atomically: true, encoding: .utf8)
        let run = try sinkmap("run", dir.file("2019/hydro.yaml"), "--out", dir.file("hydro"), "--quiet")
        try #require(run.status == 0, "\(run.stderr)")
        let ledger = dir.file("ledger.gpkg")
        let cases: [([String], [String])] = [
            (["ledger", "append", dir.file("2019"), "--to", ledger], ["2019: not a sinkmap run output (no summary.json)"]),
            (["ledger", "append", dir.file("hydro"), "--to", ledger], ["months span 2019-07..2020-06", "--year"]),
            (["ledger", "show", ledger], ["ledger.gpkg: no such ledger"]),
            // A server that is not there: GDAL's (libpq's) message on one line, the password hidden.
            (["ledger", "append", dir.file("hydro"), "--year", "2020", "--to", "PG:dbname=x host=/nonexistent-sinkmap password=secret"],
             ["password=***", "PQconnectdb failed", "/nonexistent-sinkmap"]),
            (["ledger", "show", "PG:dbname=x host=/nonexistent-sinkmap password=secret"],
             ["password=***", "PQconnectdb failed", "/nonexistent-sinkmap"]),
        ]
        for (arguments, words) in cases {
            let r = try runProcess(Repo.sinkmap, arguments)
            #expect(r.status == 1, "\(arguments): \(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("sinkmap: error: "), "\(r.stderr)")
            for w in words { #expect(r.stderr.contains(w), "'\(w)' in \(r.stderr)") }
            #expect(!r.stderr.contains("secret"))
            #expect(!FileManager.default.fileExists(atPath: ledger))
        }
        #expect(try append(dir.file("hydro"), ledger, year: 2020).contains("appended"))
        #expect(try Self.shown(ledger).ledger.allSatisfy { $0[0] == "2020" })
    }
}
