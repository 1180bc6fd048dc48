// @ts-check
/**
 * The HTML run report's page script (inlined into the report; runs in the browser after
 * vis-timeline and mermaid). It only draws: the data come from runtime/html/data.ts, embedded as
 * JSON. Executor timeline in the manner of Spark UI's event timeline (jobs, executors, faults),
 * the allocation target when the run has one, a task timeline per executor, an executor's
 * lifecycle on click, and a Mermaid sequence diagram of the messages of a chosen time window.
 * Type-checked as JavaScript (tsconfig allowJs, this file's @ts-check) against types.ts.
 */
/** @typedef {import('./types.js').HtmlReportData} HtmlReportData */
/** @typedef {import('./types.js').HtmlExecutor} HtmlExecutor */
/** @typedef {import('vis-timeline').DataItem} DataItem */
/** @typedef {import('vis-timeline').DataGroup & { order?: number }} DataGroup (groupOrder: 'order' sorts by `order`) */
/** @typedef {import('vis-timeline').Timeline} Timeline */

(function () {
  /** @type {typeof import('vis-timeline') & { moment: typeof import('moment') }} */
  const vis = /** @type {any} */ (window).vis;
  /** @type {typeof import('mermaid').default} */
  const mermaid = /** @type {any} */ (window).mermaid;
  /** @type {HtmlReportData} */
  const data = JSON.parse(byId('report-data').textContent ?? '{}');

  /** Most messages drawn in one sequence diagram: Mermaid lays out every arrow, so a window is kept readable and fast. */
  const MAX_DIAGRAM_MESSAGES = 200;
  const TERMINAL = new Set(['KILLED', 'FAILED', 'LOST', 'EXITED']);

  /** @param {string} id */
  function byId(id) {
    const el = document.getElementById(id);
    if (!el) throw new Error(`the page has no #${id}`);
    return el;
  }
  /** @param {string} s */
  const esc = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  /** A tooltip: escaped text, its line breaks kept. @param {string} s */
  const tip = (s) => esc(s).replace(/\n/g, '<br>');
  /** @param {number} ms */
  const secs = (ms) => `${(ms / 1000).toFixed(3)} s`;
  /** Simulated ms to the time axis's dates (the scenario's start plus the offset, shown in UTC). @param {number} ms */
  const at = (ms) => new Date(data.startTimeMs + ms);
  const endMs = data.simulatedMs;
  const appName = (/** @type {number} */ app) => data.applications[app]?.name ?? `application ${app}`;
  const executorsByKey = new Map(data.executors.map((e) => [e.key, e]));

  /** @type {import('vis-timeline').TimelineOptions} */
  const common = {
    moment: (/** @type {import('moment').MomentInput} */ d) => vis.moment(d).utc(),
    start: at(0),
    end: at(Math.max(endMs, 1)),
    min: at(Math.min(0, ...data.faults.map((f) => f.atMs))),
    max: at(Math.max(endMs, 1) * 1.02),
    orientation: 'top',
    zoomMin: 10,
    selectable: true,
    showCurrentTime: false,
    tooltip: { followMouse: true, overflowMethod: 'cap' },
  };

  // ---- executors, jobs and faults (Spark UI's event timeline) ----
  /** @type {DataGroup[]} */
  const groups = [{ id: 'faults', content: 'faults', order: 0 }];
  /** @type {DataItem[]} */
  const items = [];
  data.faults.forEach((f, i) => {
    const title = esc(`${secs(f.atMs)} ${f.fault} ${f.target}: ${f.detail}`);
    items.push({ id: `fault-${i}`, group: 'faults', type: 'point', start: at(f.atMs), content: esc(f.fault), className: 'fault', title });
    items.push({ id: `fault-bg-${i}`, type: 'background', start: at(f.atMs), end: at(f.atMs + Math.max(endMs / 400, 1)), content: '', className: 'fault-mark', title });
  });
  data.applications.forEach((a) => groups.push({ id: `jobs-${a.index}`, content: esc(`${a.name}: jobs`), order: 1 + a.index * 10_000 }));
  for (const j of data.jobs) {
    if (j.submittedAtMs === null) continue;
    const title = tip(`job ${j.id} ${j.result}: ${j.tasks} tasks, ${j.attempts} attempts, ${j.failedAttempts} failed${j.failureReason ? `\n${j.failureReason}` : ''}`);
    items.push({ id: `job-${j.app}-${j.id}`, group: `jobs-${j.app}`, start: at(j.submittedAtMs), end: at(j.completedAtMs ?? endMs), content: `job ${j.id}`, className: `job job-${j.result}`, title });
  }
  data.executors.forEach((e, i) => {
    groups.push({ id: e.key, content: esc(`${appName(e.app)}: executor ${e.id}`), title: esc(e.workerId), order: 2 + e.app * 10_000 + i });
    e.spans.forEach((s, k) => {
      const terminal = TERMINAL.has(s.state);
      const title = esc(`executor ${e.id}: ${s.state} at ${secs(s.fromMs)}${terminal && e.removedReason ? `: ${e.removedReason}` : ''}`);
      items.push({
        id: `exec-${e.key}-${k}`, group: e.key, start: at(s.fromMs), ...(terminal ? { type: 'point' } : { end: at(Math.max(s.toMs, s.fromMs)) }),
        content: esc(s.state), className: `exec exec-${e.key} state-${s.state}`, title,
      });
    });
  });
  const executorTimeline = new vis.Timeline(byId('executors'), items, groups, { ...common, stack: false, groupOrder: 'order' });

  // ---- task attempts per executor ----
  /** @type {DataGroup[]} */
  const taskGroups = data.executors.map((e, i) => ({ id: e.key, content: esc(`${appName(e.app)}: executor ${e.id}`), order: i }));
  /** @type {DataItem[]} */
  const taskItems = data.tasks.map((t) => ({
    id: `task-${t.app}-${t.taskId}`, group: t.executor, start: at(t.launchMs), end: at(Math.max(t.finishMs ?? endMs, t.launchMs)),
    content: '', className: `task outcome-${t.outcome}`,
    title: tip(`task ${t.taskId} (stage ${t.stageId}.${t.stageAttemptId}, index ${t.index}, attempt ${t.attempt}): ${t.reason || 'running'}${t.detail ? `\n${t.detail}` : ''}\n${secs(t.launchMs)} – ${t.finishMs === null ? 'end of run' : secs(t.finishMs)}`),
  }));
  const taskTimeline = new vis.Timeline(byId('tasks'), taskItems, taskGroups, { ...common, stack: true, groupOrder: 'order', margin: { item: { horizontal: 0, vertical: 2 } } });

  // ---- dynamic allocation target ----
  /** @type {import('vis-timeline').Graph2d | undefined} */
  let targetGraph;
  if (data.targets.length > 0) {
    byId('targets-section').hidden = false;
    /** @type {Array<{ x: Date; y: number; group: string }>} */
    const points = [];
    /** A step line: each value holds until the next change. @param {string} group @param {Array<[number, number]>} changes */
    const steps = (group, changes) => changes.forEach(([ms, y], i) => {
      if (i > 0) points.push({ x: at(ms), y: changes[i - 1]?.[1] ?? y, group });
      points.push({ x: at(ms), y, group });
      if (i === changes.length - 1) points.push({ x: at(endMs), y, group });
    });
    /** @type {DataGroup[]} */
    const graphGroups = [];
    for (const t of data.targets) {
      graphGroups.push({ id: `target-${t.app}`, content: esc(`${appName(t.app)}: target`), className: 'target-line' });
      steps(`target-${t.app}`, t.points.map((p) => [p.atMs, p.target]));
      graphGroups.push({ id: `registered-${t.app}`, content: esc(`${appName(t.app)}: registered executors`), className: 'registered-line' });
      steps(`registered-${t.app}`, t.registered.map((p) => [p.atMs, p.count]));
    }
    // vis-timeline's declared types describe Timeline items only (Graph2d takes { x, y, group })
    // and lack Graph2d's `interpolation` and `sort` options (straight segments, drawn in the order
    // given: sorting by time would reorder the two points of each step, which share a time).
    targetGraph = new vis.Graph2d(byId('targets'), /** @type {any} */ (points), graphGroups, /** @type {any} */ ({
      ...common, drawPoints: false, interpolation: false, sort: false, legend: { left: { position: 'top-left' } }, dataAxis: { left: { range: { min: 0, max: Math.max(1, ...data.targets.flatMap((t) => [...t.points.map((p) => p.target), ...t.registered.map((p) => p.count)])) + 1 } } },
    }));
  }

  // Zooming or panning one chart moves the others.
  /** @type {Array<Timeline | import('vis-timeline').Graph2d>} */
  const charts = [executorTimeline, taskTimeline, ...(targetGraph ? [targetGraph] : [])];
  for (const chart of charts) {
    chart.on('rangechanged', (/** @type {{ start: Date; end: Date; byUser: boolean }} */ p) => {
      if (!p.byUser) return;
      for (const other of charts) if (other !== chart) other.setWindow(p.start, p.end, { animation: false });
    });
  }

  // ---- an executor's lifecycle, on click ----
  /** @param {HtmlExecutor} e */
  function showLifecycle(e) {
    const end = e.removedAtMs === null ? 'still there at the end of the run' : `removed at ${secs(e.removedAtMs)}`;
    const rows = e.lifecycle.map((s) => `<tr${s.state ? ' class="state-change"' : ''}><td>${secs(s.atMs)}</td><td>${s.state ? `<b>${esc(s.state)}</b>` : ''}</td><td>${esc(s.event)}</td><td>${esc(s.detail)}</td></tr>`);
    byId('lifecycle').innerHTML = `<h3>${esc(`${appName(e.app)}: executor ${e.id}`)} <span class="state state-${esc(e.state)}">${esc(e.state)}</span></h3>
      <p>${esc(`${e.cores} cores, ${e.memoryMb} MB on ${e.workerId}; ${end}`)}${e.exitCode !== null ? esc(`; exit code ${e.exitCode}`) : ''}</p>
      <p class="removal-reason">Removal reason: ${e.removedReason ? esc(e.removedReason) : '<i>none</i>'}</p>
      <table><thead><tr><th>time</th><th>state</th><th>event</th><th>detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
    byId('lifecycle').dataset['executor'] = e.key;
  }
  for (const timeline of [executorTimeline, taskTimeline]) {
    timeline.on('click', (/** @type {{ group: string | number | null; item: string | number | null }} */ p) => {
      const executor = p.group === null ? undefined : executorsByKey.get(String(p.group));
      if (executor) showLifecycle(executor);
      const fault = typeof p.item === 'string' && /^fault-(bg-)?(\d+)$/.exec(p.item);
      if (fault) showSequence(Math.max(0, (data.faults[Number(fault[2])]?.atMs ?? 0) - 1000), (data.faults[Number(fault[2])]?.atMs ?? 0) + 9000);
    });
  }

  // ---- message sequence of a time window (Mermaid) ----
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', maxTextSize: 1_000_000, sequence: { mirrorActors: false, useMaxWidth: false, wrap: true, width: 170, actorMargin: 20, messageFontSize: 12, noteFontSize: 12, actorFontSize: 12 } });
  const fromInput = /** @type {HTMLInputElement} */ (byId('window-from'));
  const toInput = /** @type {HTMLInputElement} */ (byId('window-to'));
  const routineInput = /** @type {HTMLInputElement} */ (byId('window-routine'));
  let rendering = Promise.resolve();

  /** The Mermaid text of the messages (and faults) delivered within [fromMs, toMs]. @param {number} fromMs @param {number} toMs */
  function sequenceText(fromMs, toMs) {
    const inWindow = data.messages.filter((m) => m.atMs >= fromMs && m.atMs <= toMs);
    const shown = inWindow.filter((m) => routineInput.checked || !m.routine);
    const drawn = shown.slice(0, MAX_DIAGRAM_MESSAGES);
    const used = [...new Set(drawn.flatMap((m) => [m.from, m.to]))].sort((a, b) => a - b);
    const lines = ['sequenceDiagram'];
    for (const p of used) lines.push(`  participant p${p} as ${data.endpoints[p]}`);
    const faults = data.faults.filter((f) => f.atMs >= fromMs && f.atMs <= toMs && used.length > 0);
    let next = 0;
    const span = used.length > 1 ? `p${used[0]},p${used[used.length - 1]}` : `p${used[0]}`;
    const faultNotes = (/** @type {number} */ untilMs) => {
      for (; next < faults.length && (faults[next]?.atMs ?? Infinity) <= untilMs; next++) {
        const f = faults[next];
        if (f) lines.push(`  Note over ${span}: ${secs(f.atMs)} FAULT ${f.fault} ${f.target}`.replace(/[;#<>]/g, ' '));
      }
    };
    for (const m of drawn) {
      faultNotes(m.atMs);
      lines.push(`  p${m.from}${m.outcome === 'delivered' ? '->>' : '-x'}p${m.to}: ${secs(m.atMs)} ${m.label}`);
    }
    faultNotes(Infinity);
    return { text: lines.join('\n'), shown: shown.length, drawn: drawn.length, hidden: inWindow.length - shown.length };
  }

  /** Draws the sequence of [fromMs, toMs]; resolves when drawn. @param {number} fromMs @param {number} toMs */
  function showSequence(fromMs, toMs) {
    fromInput.value = (fromMs / 1000).toFixed(3);
    toInput.value = (toMs / 1000).toFixed(3);
    const { text, shown, drawn, hidden } = sequenceText(fromMs, toMs);
    const routine = hidden > 0 ? `; ${hidden} heartbeats, task launches and status updates hidden` : '';
    const status = byId('sequence-status');
    const out = byId('sequence');
    rendering = rendering.then(async () => {
      if (drawn === 0) {
        out.innerHTML = '';
        status.textContent = `no messages between ${secs(fromMs)} and ${secs(toMs)}${routine}`;
        return;
      }
      const { svg } = await mermaid.render('sequence-svg', text);
      out.innerHTML = svg;
      status.textContent = `${drawn} of ${shown} messages between ${secs(fromMs)} and ${secs(toMs)}${drawn < shown ? ` (the first ${MAX_DIAGRAM_MESSAGES}; narrow the window to see the rest)` : ''}${routine}`;
    }).catch((/** @type {unknown} */ err) => {
      status.textContent = `the sequence diagram could not be drawn: ${String(err)}`;
    });
    return rendering;
  }
  byId('window-show').addEventListener('click', () => void showSequence(Number(fromInput.value) * 1000, Number(toInput.value) * 1000));
  byId('window-visible').addEventListener('click', () => {
    const w = executorTimeline.getWindow();
    void showSequence(w.start.valueOf() - data.startTimeMs, w.end.valueOf() - data.startTimeMs);
  });

  const first = data.faults[0];
  const initial = first ? [Math.max(0, first.atMs - 1000), first.atMs + 9000] : [0, Math.min(endMs, 10_000)];
  void showSequence(initial[0] ?? 0, initial[1] ?? 10_000).then(() => {
    document.body.dataset['ready'] = 'true';
  });
})();
