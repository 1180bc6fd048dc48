/**
 * The HTML run report in a real browser: `run --html` on a small scenario, opened in headless
 * Chromium (Debian's `chromium`, through playwright-core), compared with the same run's report
 * JSON. Without Chromium the test is skipped with a message, except under CI (CI=true), where
 * it fails: .ci/run installs Chromium. Screenshots go to test-output/html/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../runtime/cli.js';
import { htmlReportData } from '../../runtime/html/data.js';
import { renderHtml } from '../../runtime/html/template.js';
import type { Report } from '../../runtime/report.js';
import { runSmall, SMALL_SCENARIO } from './fixture.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const UNDER_CI = process.env['CI'] === 'true';
const present = existsSync(CHROMIUM);
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = join(import.meta.dirname, '..', '..', 'test-output', 'html');

if (!present && !UNDER_CI) console.warn(`skipping the HTML report's browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!present && !UNDER_CI)('HTML run report in headless Chromium', () => {
  let context: BrowserContext;
  let userDataDir: string;
  let report: Report;
  /** Requests for anything but the file itself: the report must need no network. */
  const fetched: string[] = [];

  beforeAll(async () => {
    if (!present) throw new Error(`no Chromium at ${CHROMIUM}: CI needs it (.ci/run installs Debian's chromium; CHROMIUM_PATH overrides the path)`);
    mkdirSync(OUT, { recursive: true });
    const scenarioFile = join(OUT, 'small.json');
    writeFileSync(scenarioFile, JSON.stringify(SMALL_SCENARIO));
    let stdout = '';
    const code = await main(['run', scenarioFile, '--json', '--html', join(OUT, 'report.html')], (t) => { stdout += t; });
    expect(code).toBe(0);
    report = JSON.parse(stdout) as Report;
    userDataDir = mkdtempSync(join(tmpdir(), 'spark-statecharts-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (/^(file|data|blob):/.test(url)) return route.continue();
      fetched.push(url);
      return route.abort();
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  async function open(file: string): Promise<Page> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(errors).toEqual([]);
    return page;
  }

  it('draws the run\'s executors and task attempts, opens an executor\'s lifecycle on click, and needs no network', async () => {
    const page = await open(join(OUT, 'report.html'));
    const app = report.applications[0]!;
    const executorRows = page.locator('#executors .vis-label', { hasText: /executor \d+$/ });
    await expect.poll(() => executorRows.count()).toBe(app.executors.length);
    expect(await page.locator('#tasks .vis-label').count()).toBe(app.executors.length);
    const attempts = app.jobs.reduce((n, j) => n + j.attempts, 0);
    const failed = app.jobs.reduce((n, j) => n + j.failedAttempts, 0);
    expect(await page.locator('#tasks .vis-item.task').count()).toBe(attempts);
    expect(await page.locator('#tasks .vis-item.task:not(.outcome-success)').count()).toBe(failed);
    expect(await page.locator('#executors .vis-item.job').count()).toBe(app.jobs.length);
    expect(await page.locator('#executors .vis-item.vis-point.fault').count()).toBe(2); // the launch failure and the crash (task failures are not timed)
    expect(await page.locator('#targets-section').isHidden()).toBe(true);

    // Executor 1 crashed with exit code 137: its lifecycle shows its states and the loss reason.
    const crashed = app.executors.find((e) => e.id === 1)!;
    await page.locator('#executors .vis-item.exec-app0-1.state-RUNNING').click();
    const lifecycle = page.locator('#lifecycle');
    await expect.poll(() => lifecycle.getAttribute('data-executor')).toBe('app0-1');
    const states = await lifecycle.locator('tr.state-change td:nth-child(2)').allInnerTexts();
    expect(states).toEqual(['LAUNCHING', 'RUNNING', 'RUNNING', 'EXITED', 'EXITED']);
    expect(await lifecycle.locator('.removal-reason').innerText()).toBe(`Removal reason: ${crashed.removedReason}`);
    expect(crashed.removedReason).toBe('Command exited with code 137');

    // The sequence view of the window around the first fault: as many arrows as it says it drew.
    const status = await page.locator('#sequence-status').innerText();
    const drawn = Number(/^(\d+) of \d+ messages/.exec(status)?.[1]);
    expect(drawn).toBeGreaterThan(0);
    expect(await page.locator('#sequence svg .messageLine0, #sequence svg .messageLine1').count()).toBe(drawn);

    await page.mouse.move(0, 0); // no tooltip in the screenshot
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    expect(fetched).toEqual([]);
  });

  it('draws the allocation target when the report has executorTargets', async () => {
    const run = runSmall();
    const report = { ...run.report, applications: run.report.applications.map((a) => ({ ...a, executorTargets: [{ atMs: 0, target: 3 }, { atMs: 3000, target: 2 }, { atMs: 4000, target: 3 }] })) };
    const file = join(OUT, 'targets.html');
    writeFileSync(file, renderHtml(htmlReportData({ ...run.input, report })));
    const page = await open(file);
    expect(await page.locator('#targets-section').isVisible()).toBe(true);
    expect(await page.locator('#targets path.target-line').count()).toBeGreaterThan(0);
    expect(await page.locator('#targets path.registered-line').count()).toBeGreaterThan(0);
    await page.locator('#targets-section').screenshot({ path: join(OUT, 'targets.png') });
  });
});
