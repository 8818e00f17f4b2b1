import { openApp } from '../src/app/context.ts';
import { buildReport, reportContext } from '../src/report/build.ts';
import { renderHtml } from '../src/report/render/html.ts';
import { renderMarkdown } from '../src/report/render/markdown.ts';
import { renderPdf } from '../src/report/render/pdf.ts';
import { chromiumPath } from '../src/report/render/browser.ts';
import { seedReportFixture } from '../test/report.fixture.ts';
import { CHAPTERS } from '../src/report/chapters/index.ts';
import { peakRssMiB } from './run.ts';
import type { Benchmark, BenchRow } from './list.ts';

/**
 * Report generation at SIYU_BENCH_REPORT_CUSTOMERS customers (default 1,000,000): the report fixture's brand
 * (test/report.fixture.ts) written at that scale with set-based SQL — ~22 months of orders, events, one group,
 * a campaign with a holdout, consents. Timed: building the report (every chapter's queries and the CLV fit, on a
 * cold store and again warm, when the models' scores exist), then rendering HTML, Markdown and the PDF.
 */
export const reportBenchmark: Benchmark = {
  name: 'report',
  description: 'insight & optimisation report generation (all chapters, HTML/Markdown/PDF) at 1M customers',
  async run(ctx) {
    const n = Number(process.env.SIYU_BENCH_REPORT_CUSTOMERS ?? 1_000_000);
    const app = await openApp({ dir: ctx.dir });
    try {
      ctx.log(`writing a brand of ${n.toLocaleString('en')} customers`);
      let t = performance.now();
      await seedReportFixture(app, n);
      const [{ orders, events }] = await app.warehouse.all(`select (select count(*) from orders) as orders, (select count(*) from events) as events`);
      ctx.log(`${Number(orders).toLocaleString('en')} orders, ${Number(events).toLocaleString('en')} events written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const rows: BenchRow[] = [];
      t = performance.now();
      const cold = await buildReport(app);
      const coldS = (performance.now() - t) / 1000;
      rows.push({ metric: `build report, cold (${cold.chapters.length} chapters, ${cold.ranked.length} findings; includes the CLV fit)`, value: coldS, unit: 's', note: `${n.toLocaleString('en')} customers, ${Number(orders).toLocaleString('en')} orders` });
      t = performance.now();
      const report = await buildReport(app);
      rows.push({ metric: 'build report, warm (aggregates and scores in place)', value: (performance.now() - t) / 1000, unit: 's' });
      const per: string[] = [];
      for (const c of CHAPTERS) {
        const s = performance.now();
        await c.build({ ...(await reportContext(app, report.window)), yuanPerCustomer: 1, aov: 1 });
        per.push(`${c.key} ${((performance.now() - s) / 1000).toFixed(1)}`);
      }
      ctx.log(`per chapter (s, warm): ${per.join(', ')}`);
      t = performance.now();
      const html = renderHtml(report, 'zh');
      rows.push({ metric: 'render HTML (zh, ECharts + font slices inlined)', value: (performance.now() - t) / 1000, unit: 's', note: `${(html.length / 1024 / 1024).toFixed(2)} MiB` });
      t = performance.now();
      renderMarkdown(report, 'zh');
      rows.push({ metric: 'render Markdown', value: (performance.now() - t) / 1000, unit: 's' });
      if (chromiumPath()) {
        t = performance.now();
        const pdf = await renderPdf(html);
        rows.push({ metric: 'render PDF (headless Chromium, launch included)', value: (performance.now() - t) / 1000, unit: 's', note: `${(pdf.length / 1024).toFixed(0)} KiB` });
      }
      rows.push({ metric: 'peak RSS of the process', value: peakRssMiB(), unit: 'MiB' });
      return rows;
    } finally {
      app.close();
    }
  },
};
