/** The HTML run report (`run --html FILE`, README "HTML run report"): data extraction, then the page. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { htmlReportData, type HtmlReportInput } from './data.js';
import { renderHtml } from './template.js';

export { htmlReportData, HTML_LIMITS, type HtmlReportInput, type HtmlLimits } from './data.js';
export { renderHtml } from './template.js';
export type * from './types.js';

/** The report's HTML: one self-contained page. */
export function htmlReport(input: HtmlReportInput): string {
  return renderHtml(htmlReportData(input));
}

/** Writes the report to `path`, creating its directory if needed. */
export function writeHtmlReport(path: string, input: HtmlReportInput): void {
  const html = htmlReport(input);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html);
}
