/** The report's stylesheet: readable on screen, A4 in print. __FONT__ is replaced by the embedded family. */
export const REPORT_CSS = `
:root { --ink: #1f2733; --muted: #5d6878; --line: #e3e7ee; --accent: #2f6fde; --up: #1e8a5a; --down: #c8412f; }
* { box-sizing: border-box; }
body { margin: 0; font-family: __FONT__, sans-serif; color: var(--ink); background: #f6f7fa; line-height: 1.65; font-size: 14px; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 64px; background: #fff; }
header h1 { font-size: 26px; margin: 8px 0 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
h2 { font-size: 20px; border-left: 4px solid var(--accent); padding-left: 10px; margin: 32px 0 10px; }
h3 { font-size: 16px; margin: 0 0 6px; }
.lead { color: var(--muted); }
.cover { display: none; }
.basis { color: var(--muted); font-size: 12px; margin: 4px 0; }
.warn { border-left: 4px solid #e0a030; background: #fff7e6; padding: 8px 12px; margin: 8px 0 16px; }
.toc ol { columns: 2; margin: 0; }
.top ol li { margin-bottom: 6px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; margin: 12px 0; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile-label { color: var(--muted); font-size: 12px; }
.tile-value { font-size: 22px; font-weight: 700; }
.cmp { display: inline-block; font-size: 12px; margin-right: 8px; color: var(--muted); }
.cmp.good { color: var(--up); } .cmp.bad { color: var(--down); }
.finding, .rec { border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 14px 0; break-inside: avoid; }
.rank { display: inline-block; min-width: 28px; color: var(--accent); }
.why, .sig { color: var(--muted); margin: 4px 0; }
.chart-wrap { margin: 8px 0 0; }
.chart { width: 100%; }
.charts { display: grid; grid-template-columns: 1fr; gap: 8px; }
table.kv { border-collapse: collapse; width: 100%; margin: 8px 0; }
table.kv th, table.kv td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
table.kv th { width: 30%; color: var(--muted); font-weight: 500; }
a { color: var(--accent); text-decoration: none; }
@media print {
  body { background: #fff; font-size: 12px; }
  header { display: none; }
  .cover { display: flex; flex-direction: column; justify-content: center; min-height: 250mm; break-after: page; padding: 0 12mm; }
  .cover-brand { font-size: 20px; color: var(--accent); font-weight: 700; min-height: 28px; }
  .cover-title { font-size: 30px; line-height: 1.35; margin: 18px 0 28px; border: 0; }
  .cover-period { font-size: 16px; margin: 0 0 6px; }
  .cover-generated { color: var(--muted); margin: 0; }
  main { max-width: none; padding: 0; }
  .chapter { break-before: page; }
  .finding, .rec, figure { break-inside: avoid; }
}
@page { size: A4; margin: 14mm 12mm; }
`;
