/**
 * The dashboard's stylesheet. Colours are custom properties, set again for
 * dark mode and for print; the agent palette is Okabe and Ito's (told apart
 * with the common colour-vision deficiencies), the AI-share scale a single
 * hue from light to dark.
 */
export const DASHBOARD_CSS = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--panel:#f6f8fa;--link:#0550ae;--focus:#0969da;
--c0:#0072b2;--c1:#e69f00;--c2:#009e73;--c3:#cc79a7;--c4:#56b4e9;--c5:#d55e00;--c6:#f0e442;--c7:#7f3c8d;--shared:#8c6d31;--human:#d0d7de;
--t0:#eef3fb;--t1:#c6dbef;--t2:#6baed6;--t3:#2171b5;--t4:#08306b;--risk:#cf222e;--pass:#1a7f37;--review:#bf8700;--fail:#cf222e;--ok:#1a7f37;--bad:#cf222e;--on-dark:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--panel:#161b22;--link:#79c0ff;--focus:#58a6ff;--human:#3d444d;
--t0:#1c2a3a;--t1:#1f4e79;--t2:#2f7fc1;--t3:#6cb6ff;--t4:#cae8ff;--risk:#ff7b72;--pass:#3fb950;--review:#d29922;--fail:#f85149;--ok:#3fb950;--bad:#f85149;--on-dark:#000}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1040px;margin:0 auto;padding:16px 20px 48px}
a{color:var(--link)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px 8px;z-index:2}
header h1{font-size:22px;margin:8px 0 2px}
.meta{color:var(--muted);font-size:13px;margin:0}
#summary{font-size:17px;background:var(--panel);border:1px solid var(--line);border-left:4px solid var(--focus);padding:10px 14px;margin:12px 0}
nav ul{list-style:none;padding:0;margin:0 0 8px;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:14px}
section{border-top:1px solid var(--line);padding-top:8px;margin-top:24px}
h2{font-size:18px;margin:8px 0}
figure{margin:8px 0}
figure svg{width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:13px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
.tile{background:var(--panel);border:1px solid var(--line);padding:8px 12px;min-width:180px}
.tile .v{font-size:22px;font-weight:600}.tile .t{font-size:12px;color:var(--muted)}
.tile.ok .v{color:var(--ok)}.tile.bad .v{color:var(--bad)}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
th button{all:inherit;cursor:pointer;text-decoration:underline dotted}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:var(--muted);margin:4px 0;padding:0;list-style:none}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px;border:1px solid var(--line)}
.toggle button{font:inherit;font-size:13px;background:var(--panel);color:var(--fg);border:1px solid var(--line);padding:2px 10px;cursor:pointer}
.toggle button[aria-pressed=true]{background:var(--focus);color:var(--bg)}
.none{color:var(--muted);font-style:italic}
.tier-critical,.tier-high{color:var(--risk);font-weight:600}
.c0{fill:var(--c0);background:var(--c0)}.c1{fill:var(--c1);background:var(--c1)}.c2{fill:var(--c2);background:var(--c2)}.c3{fill:var(--c3);background:var(--c3)}
.c4{fill:var(--c4);background:var(--c4)}.c5{fill:var(--c5);background:var(--c5)}.c6{fill:var(--c6);background:var(--c6)}.c7{fill:var(--c7);background:var(--c7)}
.shared{fill:var(--shared);background:var(--shared)}.human{fill:var(--human);background:var(--human)}
.pass{fill:var(--pass);background:var(--pass)}.review{fill:var(--review);background:var(--review)}.fail{fill:var(--fail);background:var(--fail)}
.t0{fill:var(--t0);background:var(--t0)}.t1{fill:var(--t1);background:var(--t1)}.t2{fill:var(--t2);background:var(--t2)}.t3{fill:var(--t3);background:var(--t3)}.t4{fill:var(--t4);background:var(--t4)}
svg .grid{stroke:var(--line);stroke-width:1}svg .tick{fill:var(--muted);font-size:11px}
svg .hit{fill:transparent}svg .hit:hover{fill:var(--fg);fill-opacity:.06}
svg .risky{stroke:var(--risk);stroke-width:2}svg .hatched{pointer-events:none}svg .hatch{stroke:var(--risk);stroke-width:1.5;stroke-opacity:.7}
i.risky{border:2px solid var(--risk);background:repeating-linear-gradient(45deg,transparent 0 3px,var(--risk) 3px 4px)}
svg .dir{fill:none;stroke:var(--fg);stroke-opacity:.5;stroke-width:1}svg .dirname{fill:var(--fg);font-size:11px;font-weight:600}
svg .cell{fill:var(--fg);font-size:10px;pointer-events:none}svg .cell.on-t3,svg .cell.on-t4{fill:var(--on-dark)}
[hidden]{display:none!important}
@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--panel:#fff}.toggle,nav,.skip{display:none}#timeline-month[hidden]{display:block!important}section{break-inside:avoid-page}body{font-size:11pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`;
