"""The stylesheet of the HTML report, kept apart from the markup so each reads on its own.

It is inlined into the page and pinned there by its SHA-256 in the Content-Security-Policy, so
it must stay one constant string: any change to it changes the hash the page declares.
System fonts only; nothing here may reference a URL.
"""

CSS = """
:root {
  --fg: #1d2433; --muted: #5d6778; --line: #d9dee7; --bg: #ffffff; --panel: #f6f8fb;
  --failed: #b42318; --failed-bg: #fef3f2; --error: #7a2e98; --error-bg: #f7f0fb;
  --exempted: #175cd3; --exempted-bg: #eff8ff; --passed: #067647; --passed-bg: #ecfdf3;
  --warn: #93370d; --warn-bg: #fffaeb;
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body {
  margin: 0 auto; max-width: 1180px; padding: 0 24px 48px;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
code, .cid {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px;
}
code { overflow-wrap: anywhere; }
td.res { min-width: 16em; }
td.loc { min-width: 10em; }
.cid { font-weight: 600; white-space: nowrap; }
a { color: var(--exempted); text-decoration: none; }
a:hover { text-decoration: underline; }
h1 { font-size: 26px; margin: 4px 0 6px; line-height: 1.3; word-break: break-word; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 0 0 8px; }
.count { color: var(--muted); font-size: 14px; font-weight: 400; margin-left: 6px; }
.muted { color: var(--muted); }
.top { padding: 28px 0 12px; border-bottom: 1px solid var(--line); }
.brand { margin: 0; color: var(--muted); font-size: 13px; letter-spacing: .08em; text-transform: uppercase; }
.lead { margin: 0 0 14px; font-size: 16px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.meta dt, dl.facts dt { color: var(--muted); }
dl.meta dd, dl.facts dd { margin: 0; }
nav { position: sticky; top: 0; background: var(--bg); padding: 10px 0; border-bottom: 1px solid var(--line);
  display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 14px; z-index: 1; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 700;
  letter-spacing: .03em; vertical-align: middle; border: 1px solid transparent; }
.badge.big { font-size: 18px; padding: 3px 14px; vertical-align: 3px; }
.badge.FAILED { color: #fff; background: var(--failed); }
.badge.INCOMPLETE, .badge.ERROR { color: #fff; background: var(--error); }
.badge.EXEMPTED { color: var(--exempted); background: var(--exempted-bg); border-color: #b2ddff; }
.badge.PASSED { color: #fff; background: var(--passed); }
.badge.warn { color: var(--warn); background: var(--warn-bg); border-color: #fedf89; }
.sev { display: inline-block; font-size: 11px; font-weight: 700; padding: 0 6px; border-radius: 4px;
  border: 1px solid currentColor; vertical-align: middle; }
.sev.CRITICAL { color: #7a271a; background: #fee4e2; }
.sev.HIGH { color: var(--failed); }
.sev.MEDIUM { color: var(--warn); }
.sev.LOW { color: var(--muted); }
.chip { display: inline-block; font-size: 12px; padding: 0 6px; margin-right: 3px; border-radius: 4px;
  background: var(--panel); border: 1px solid var(--line); vertical-align: middle; }
.chip.unmapped { color: var(--warn); }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 22px 0 6px; }
.tile { border-radius: 10px; padding: 12px 16px; border: 1px solid var(--line); background: var(--panel); }
.tile .n { display: block; font-size: 30px; font-weight: 700; line-height: 1.1; }
.tile .label { color: var(--muted); text-transform: uppercase; font-size: 12px; letter-spacing: .06em; }
.tile.FAILED { background: var(--failed-bg); border-color: #fecdca; } .tile.FAILED .n { color: var(--failed); }
.tile.ERROR { background: var(--error-bg); border-color: #e9d7fe; } .tile.ERROR .n { color: var(--error); }
.tile.EXEMPTED { background: var(--exempted-bg); border-color: #b2ddff; } .tile.EXEMPTED .n { color: var(--exempted); }
.tile.PASSED { background: var(--passed-bg); border-color: #abefc6; } .tile.PASSED .n { color: var(--passed); }
.tile.zero { background: var(--panel); border-color: var(--line); }
.tile.zero .n { color: var(--muted); }
.banner { border-radius: 8px; padding: 10px 14px; margin: 10px 0; }
.banner.ERROR, .note.ERROR { background: var(--error-bg); border-left: 4px solid var(--error); }
.banner.warning { background: var(--warn-bg); border-left: 4px solid #f79009; }
.note { padding: 8px 12px; border-radius: 6px; }
table { width: 100%; border-collapse: collapse; margin: 8px 0 4px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
  border-bottom: 2px solid var(--line); white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.num { font-weight: 600; }
td.num.zero { color: #b3bac6; font-weight: 400; }
td.num.FAILED:not(.zero) { color: var(--failed); background: var(--failed-bg); }
td.num.ERROR:not(.zero) { color: var(--error); background: var(--error-bg); }
td.num.EXEMPTED:not(.zero) { color: var(--exempted); background: var(--exempted-bg); }
td.num.PASSED:not(.zero) { color: var(--passed); }
.matrix th.crit { white-space: nowrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.matrix .checks { font-size: 12px; color: var(--muted); }
.matrix tfoot th, .matrix tfoot td { border-top: 2px solid var(--line); border-bottom: none; font-weight: 700; }
details.check { border: 1px solid var(--line); border-left: 4px solid var(--failed); border-radius: 8px;
  padding: 10px 14px; margin: 12px 0; }
details.check > summary { cursor: pointer; font-weight: 600; }
.remediation { background: var(--panel); border-radius: 6px; padding: 8px 12px; margin: 10px 0 4px; }
ul.details { margin: 4px 0 0; padding-left: 18px; color: var(--muted); font-size: 13px; }
article.entry { border: 1px solid var(--line); border-left: 4px solid var(--exempted); border-radius: 8px;
  padding: 12px 16px; margin: 14px 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 4px 0 10px; }
ol.controls { margin: 4px 0 10px; padding-left: 22px; }
ol.controls li { margin-bottom: 6px; }
.verified { color: var(--passed); font-size: 13px; }
.evidence { color: var(--muted); font-size: 13px; }
.expiring { color: var(--warn); font-weight: 700; }
.outcome { border: 1px solid var(--line); border-left: 4px solid #f79009; border-radius: 8px; padding: 10px 14px;
  margin: 12px 0; }
.outcome p { margin: 0 0 4px; }
.outcome ul, ul.warnings { margin: 4px 0 0; padding-left: 20px; }
.empty { padding: 16px; background: var(--panel); border-radius: 8px; }
footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted); font-size: 13px; }
@media (max-width: 760px) { .tiles { grid-template-columns: repeat(2, 1fr); } }
@media print {
  nav { display: none; }
  body { max-width: none; padding: 0; }
  details.check, article.entry, tr { break-inside: avoid; }
}
"""
