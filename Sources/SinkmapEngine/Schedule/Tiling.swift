import GDALKit

/// How a grid is cut into tiles: a pure function of the grid and a tile size.
public enum Tiling {
    /// The default tile edge: the smallest multiple of the inputs' block edge that
    /// reaches 512 pixels (so tiles read whole blocks), never above 2048.
    public static func defaultTileSize(blockSize: Int?) -> Int {
        guard let b = blockSize, b > 0, b <= 2048 else { return 512 }
        let multiple = max(1, (512 + b - 1) / b)
        return min(b * multiple, 2048)
    }

    /// Square tiles of `tileSize` (edge tiles smaller), row-major, covering the grid once.
    public static func tiles(of grid: Grid, tileSize: Int) -> [Window] {
        grid.window.subdivide(tileWidth: tileSize, tileHeight: tileSize)
    }
}
