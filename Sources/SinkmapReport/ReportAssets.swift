/// The report's style sheet and its one script (table sorting), embedded in the page.
enum ReportAssets {
    static let css = """
    :root { --ink: #1d2327; --muted: #5f6b73; --rule: #d5dadd; --accent: #01665e; }
    * { box-sizing: border-box; }
    body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Noto Sans", "DejaVu Sans", sans-serif; color: var(--ink);
           margin: 0 auto; max-width: 980px; padding: 24px; line-height: 1.45; font-size: 14px; }
    h1 { font-size: 26px; margin: 0 0 4px; color: var(--accent); }
    h2 { font-size: 20px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; margin-top: 32px; }
    h3 { font-size: 16px; margin: 20px 0 6px; }
    .sub { color: var(--muted); margin: 0 0 16px; }
    table { border-collapse: collapse; margin: 8px 0 16px; font-size: 12.5px; width: 100%; }
    caption { text-align: left; font-weight: bold; padding: 4px 0; }
    th, td { border-bottom: 1px solid var(--rule); padding: 3px 6px; text-align: left; vertical-align: top; }
    th { background: #eef3f2; cursor: pointer; user-select: none; white-space: nowrap; }
    th.asc::after { content: " ▲"; } th.desc::after { content: " ▼"; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    td.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 10.5px; word-break: break-all; }
    svg { display: block; width: 100%; height: auto; }
    svg text { font-size: 12px; fill: #222; font-family: inherit; }
    svg text.small { font-size: 10.5px; }
    svg text.label { font-size: 13px; text-anchor: middle; paint-order: stroke; stroke: #fff; stroke-width: 3px; font-weight: bold; }
    .maps { display: grid; grid-template-columns: 1fr; gap: 18px; }
    figure { margin: 0 0 12px; break-inside: avoid; } figcaption { font-weight: bold; margin: 4px 0; }
    .kpis { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
    .kpi { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; min-width: 170px; }
    .kpi b { display: block; font-size: 18px; color: var(--accent); }
    .eq { font-family: "DejaVu Serif", "Noto Serif CJK SC", serif; background: #f6f8f8; padding: 8px 12px; border-left: 3px solid var(--accent); margin: 6px 0; }
    .note { color: var(--muted); font-size: 12.5px; }
    ul.suggest li { margin: 4px 0; }
    .atlas { break-before: page; page-break-before: always; }
    .atlas h2 { margin-top: 0; }
    .atlas svg.map { max-height: var(--atlas-map, 165mm); }
    table.facts th { cursor: default; width: 22%; background: #f4f7f6; }
    .scroll { overflow-x: auto; }
    .trendcharts figure svg { display: inline-block; width: 49%; vertical-align: top; }
    .unit-trend { border-top: 1px solid var(--rule); padding-top: 4px; }
    tr.decreasing td { background: #fbe9e7; }
    h4 { font-size: 14px; margin: 14px 0 4px; }
    @page { size: A4; margin: 12mm; }
    @page wide { size: A4 landscape; margin: 10mm; }
    @media print {
      body { max-width: none; padding: 0; font-size: 11px; }
      h2 { break-after: avoid; }
      .section { break-before: page; }
      nav + .section { break-before: auto; }
      #results { page: wide; }
      #results table { font-size: 8.5px; }
      .scroll { overflow: visible; }
      .maps { grid-template-columns: 1fr 1fr; }
      table { font-size: 9.5px; }
      th { cursor: default; }
    }
    """

    static let script = """
    document.querySelectorAll("table.sortable").forEach(function (table) {
      table.querySelectorAll("th").forEach(function (th, col) {
        th.addEventListener("click", function () {
          var asc = !th.classList.contains("asc");
          table.querySelectorAll("th").forEach(function (h) { h.classList.remove("asc", "desc"); });
          th.classList.add(asc ? "asc" : "desc");
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.cells[col], y = b.cells[col];
            var vx = x.dataset.v !== undefined ? parseFloat(x.dataset.v) : NaN;
            var vy = y.dataset.v !== undefined ? parseFloat(y.dataset.v) : NaN;
            var c = (!isNaN(vx) && !isNaN(vy)) ? vx - vy : x.textContent.localeCompare(y.textContent);
            return asc ? c : -c;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      });
    });
    """
}
