/**
 * The HTML run report as one self-contained file: the page skeleton and its CSS, the libraries
 * and the page script inlined, and the data as JSON. No network is needed to open it.
 */
import { htmlAssets, type HtmlAssets } from './assets.js';
import type { HtmlReportData } from './types.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A script's text made safe inside <script>: `</script` would end the element early. A script
 * holding both `<!--` and `<script` would switch the HTML parser into its double-escaped state,
 * which no escaping of plain text can undo: refused rather than written broken.
 */
export function inlineScript(source: string, name: string): string {
  if (source.includes('<!--') && /<script/i.test(source)) throw new Error(`${name}: holds both "<!--" and "<script", which cannot be inlined into a <script> element safely`);
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

/** JSON inside <script type="application/json">: `<` escaped, so no `</script` or `<!--` can appear. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const CSS = `
body { font-family: system-ui, sans-serif; margin: 1em 2em; color: #222; }
h1 { font-size: 1.4em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin: 1.2em 0 .4em; } h3 { font-size: 1em; }
.summary { color: #555; margin: 0 0 .5em; }
.legend span { display: inline-block; padding: 0 .5em; margin-right: .3em; border-radius: 3px; font-size: .85em; }
.vis-item { font-size: 11px; }
.vis-item.fault { color: #b00; border-color: #d9534f; }
.vis-item.vis-background.fault-mark { background-color: rgba(217, 83, 79, .35); }
.job-succeeded, .vis-item.job-succeeded { background-color: #c6e5c6; border-color: #5cb85c; }
.job-failed, .vis-item.job-failed { background-color: #f2c2c0; border-color: #d9534f; }
.job-running, .vis-item.job-running { background-color: #cfe9f5; border-color: #5bc0de; }
.state-LAUNCHING, .vis-item.state-LAUNCHING { background-color: #e0e0e0; border-color: #999; }
.state-RUNNING, .vis-item.state-RUNNING { background-color: #b8e0a0; border-color: #5cb85c; }
.state-EXITED, .vis-item.state-EXITED { background-color: #fdd49e; border-color: #f0ad4e; }
.state-KILLED, .vis-item.state-KILLED { background-color: #fdbb84; border-color: #e6550d; }
.state-FAILED, .vis-item.state-FAILED { background-color: #f2c2c0; border-color: #d9534f; }
.state-LOST, .vis-item.state-LOST { background-color: #d8cbe8; border-color: #8e6bbf; }
.vis-item.vis-point.exec .vis-dot { border-color: inherit; }
.vis-item.task { height: 8px; border-radius: 1px; }
.outcome-success, .vis-item.outcome-success { background-color: #5cb85c; border-color: #3d8b3d; }
.outcome-failed, .vis-item.outcome-failed { background-color: #d9534f; border-color: #a02622; }
.outcome-killed, .vis-item.outcome-killed { background-color: #f0ad4e; border-color: #c77c11; }
.outcome-executor-lost, .vis-item.outcome-executor-lost { background-color: #8e6bbf; border-color: #5e3f8a; }
.outcome-running, .vis-item.outcome-running { background-color: #5bc0de; border-color: #2a9fbf; }
.target-line { fill: none; stroke: #e6550d; stroke-width: 3px; }
.registered-line { fill: none; stroke: #3182bd; stroke-width: 2px; stroke-dasharray: 6 4; }
#lifecycle { border: 1px solid #ccc; padding: .3em .8em; min-height: 2em; margin-top: .5em; }
#lifecycle table { border-collapse: collapse; font-size: .85em; }
#lifecycle td, #lifecycle th { border-bottom: 1px solid #eee; padding: 2px 8px; text-align: left; vertical-align: top; }
#lifecycle .state { padding: 0 .4em; border-radius: 3px; font-weight: normal; }
.removal-reason { font-weight: 600; }
.controls { margin: .3em 0; } .controls input[type=number] { width: 7em; }
#sequence { overflow: auto; border: 1px solid #ccc; max-height: 80vh; }
`;

function legend(prefix: string, entries: Array<[string, string]>): string {
  return `<p class="legend">${entries.map(([cls, label]) => `<span class="${prefix}${cls}">${escapeHtml(label)}</span>`).join('')}</p>`;
}

export function renderHtml(data: HtmlReportData, assets: HtmlAssets = htmlAssets()): string {
  const title = `spark-statecharts run: ${data.scenario}, seed ${data.seed}`;
  const apps = data.applications.map((a) => `${a.name} (${a.id ?? 'never registered'}): ${a.state ?? 'unknown to the Master'}`).join('; ');
  const omitted = [
    data.omitted.tasks > 0 ? `${data.omitted.tasks} task attempts` : '',
    data.omitted.messages > 0 ? `${data.omitted.messages} messages` : '',
  ].filter(Boolean).join(' and ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="summary">${escapeHtml(`${data.outcome} after ${(data.simulatedMs / 1000).toFixed(3)} s simulated; ${data.executors.length} executors, ${data.tasks.length} task attempts, ${data.jobs.length} jobs, ${data.faults.length} faults injected. ${apps}`)}</p>
${omitted ? `<p class="summary">${escapeHtml(`Left out to keep the page bounded: ${omitted} after the first ones.`)}</p>` : ''}
<h2>Event timeline</h2>
${legend('state-', [['LAUNCHING', 'LAUNCHING'], ['RUNNING', 'RUNNING'], ['EXITED', 'EXITED'], ['KILLED', 'KILLED'], ['FAILED', 'FAILED'], ['LOST', 'LOST']])}
<p class="summary">Jobs, faults (red marks across all rows) and each executor's states as the Master booked them. Click an executor for its lifecycle, a fault for the messages around it.</p>
<div id="executors"></div>
<div id="lifecycle"><p class="summary">Click an executor to see its lifecycle.</p></div>
<section id="targets-section" hidden>
<h2>Dynamic allocation</h2>
<p class="summary">The executor target the ExecutorAllocationManager asked for, and the executors registered with the driver.</p>
<div id="targets"></div>
</section>
<h2>Tasks per executor</h2>
${legend('outcome-', [['success', 'Success'], ['failed', 'ExceptionFailure'], ['killed', 'TaskKilled'], ['executor-lost', 'ExecutorLostFailure'], ['running', 'running']])}
<div id="tasks"></div>
<h2>Messages</h2>
<div class="controls">
<label>from <input id="window-from" type="number" step="0.001" min="0"> s</label>
<label>to <input id="window-to" type="number" step="0.001" min="0"> s</label>
<label><input id="window-routine" type="checkbox"> heartbeats, task launches and status updates</label>
<button id="window-show" type="button">Show</button>
<button id="window-visible" type="button">Show the timeline's window</button>
</div>
<p id="sequence-status" class="summary"></p>
<div id="sequence"></div>
<script type="application/json" id="report-data">${inlineJson(data)}</script>
<script>${inlineScript(assets.visTimeline, 'vis-timeline')}</script>
<script>${inlineScript(assets.mermaid, 'mermaid')}</script>
<script>${inlineScript(assets.page, 'page.js')}</script>
</body>
</html>
`;
}
