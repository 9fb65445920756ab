import Testing
@testable import SinkmapEngine
import SinkmapBase

/// A run's table writers each declare what they read; a list that reads an output before it is
/// written is refused before anything is written.
@Suite struct OutputWriterTests {
    func writer(_ name: String, reads: Set<String> = []) -> OutputWriter {
        OutputWriter(name: name, reads: reads) { _ in [name] }
    }

    @Test func estimatesAfterTheCOGsIsAccepted() throws {
        let cogs: Set<String> = ["npp.tif", "rh.tif", "nep.tif", "agb.tif", "carbon.tif"]
        try OutputWriters.checkOrder([writer("uncertainty.csv"), writer("estimates.csv", reads: ["agb.tif"])], after: cogs)
    }

    @Test func readingAnOutputNotYetWrittenIsRefused() throws {
        let list = [writer("estimates.csv", reads: ["agb.tif"]), writer("scenario/")]
        #expect(throws: Refusal.self) { try OutputWriters.checkOrder(list, after: ["zonal.csv"]) }
        do {
            try OutputWriters.checkOrder(list, after: ["zonal.csv"])
        } catch {
            #expect("\(error)" == "estimates.csv reads agb.tif, not written before it")
        }
    }

    @Test func aWriterMayReadAnEarlierWritersOutput() throws {
        try OutputWriters.checkOrder([writer("a.csv"), writer("b.csv", reads: ["a.csv"])], after: [])
        #expect(throws: Refusal.self) {
            try OutputWriters.checkOrder([writer("b.csv", reads: ["a.csv"]), writer("a.csv")], after: [])
        }
    }
}
