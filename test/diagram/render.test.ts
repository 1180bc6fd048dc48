/**
 * Every machine in the registry drawn in all three formats, each checked by a reader of that
 * format: Mermaid's own parser (under jsdom), an XML parser on Graphviz's SVG, the DOT text.
 */
import { JSDOM } from 'jsdom';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { setup } from 'xstate';
import { drawableMachines, findMachine } from '../../runtime/diagram/machines.js';
import { allStates, diagramModel, transitionLabel } from '../../runtime/diagram/model.js';
import { mermaidId, toMermaid } from '../../runtime/diagram/mermaid.js';
import { html, toDot } from '../../runtime/diagram/dot.js';
import { toSvg } from '../../runtime/diagram/svg.js';
import { machineElements } from '../../runtime/coverage.js';
import * as exported from '../../machines/index.js';

let mermaid: { parse: (text: string) => Promise<unknown> };
beforeAll(async () => {
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  mermaid = (await import('mermaid')).default;
});

const machines = drawableMachines();

/** The `<g class="node">` titles of a Graphviz SVG (a node's title is its DOT name). */
function svgNodeTitles(svg: string): string[] {
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as Record<string, unknown>;
  const titles: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    const g = value as Record<string, unknown>;
    if (g['class'] === 'node') titles.push(String(g['title']));
    Object.values(g).forEach(walk);
  };
  walk(parsed['svg']);
  return titles;
}

describe('diagram registry', () => {
  it('lists every statechart machines/index.ts exports, by its Spark name', () => {
    const exportedMachines = Object.values(exported).filter((v) => typeof v === 'object' && v !== null && 'root' in v) as AnyStateMachine[];
    expect(machines.map((m) => m.id).sort()).toEqual(exportedMachines.map((m) => m.id).sort());
    expect(machines.map((m) => m.id)).toEqual(expect.arrayContaining(['Master', 'Worker', 'ExecutorRunner', 'AppClient', 'TaskRunner', 'CoarseGrainedExecutorBackend']));
    expect(findMachine('executorrunner')?.id).toBe('ExecutorRunner');
    expect(findMachine('Nope')).toBeUndefined();
  });
});

describe.each(machines.map((m) => [m.id, m] as const))('diagram of %s', (_id, machine) => {
  const model = diagramModel(machine);
  const states = allStates(model);

  it('has every state and every transition the machine defines (the keys coverage records)', () => {
    const defined = machineElements(machine);
    expect(states.map((s) => s.id)).toEqual(defined.states);
    expect([...new Set(model.transitions.map((t) => t.key))].sort()).toEqual([...new Set(defined.transitions)].sort());
  });

  it('mermaid: parsed by Mermaid, every state declared once, every transition an edge with its event', async () => {
    const text = toMermaid(model);
    await expect(mermaid.parse(text)).resolves.toBeTruthy();
    const lines = text.split('\n').map((l) => l.trim());
    for (const s of states) expect(lines.filter((l) => l.startsWith('state "') && l.endsWith(` as ${mermaidId(s.id)}`))).toHaveLength(1);
    const composite = new Set(states.filter((s) => s.children.length > 0).map((s) => s.id));
    for (const t of model.transitions) {
      const text = transitionLabel(t).replace(/[:;#]/g, ' ');
      // Targetless: a description line of a simple state, a self-loop on a composite one.
      if (t.targets.length === 0 && !composite.has(t.source)) expect(lines).toContain(`${mermaidId(t.source)} : ${text}`);
      for (const target of t.targets.length > 0 ? t.targets : composite.has(t.source) ? [t.source] : []) {
        expect(lines).toContain(`${mermaidId(t.source)} --> ${mermaidId(target)} : ${text}`);
      }
    }
  });

  it('svg: well-formed XML laid out by Graphviz, one node per state', async () => {
    const svg = await toSvg(model);
    expect(XMLValidator.validate(svg)).toBe(true);
    const titles = svgNodeTitles(svg);
    expect(titles.sort()).toEqual(states.map((s) => s.id).sort());
  });

  it('dot: names every state and every event (an edge per targeted transition, the rest inside their state)', () => {
    const dot = toDot(model);
    for (const s of states) expect(dot).toContain(`"${s.id}" [`);
    for (const t of model.transitions) {
      if (t.targets.length > 0) for (const target of t.targets) expect(dot).toContain(`"${t.source}" -> "${target}" [label="${transitionLabel(t)}"`);
      else expect(dot).toContain(`>${html(transitionLabel(t))}<`);
    }
  });
});

describe('transition rendering', () => {
  const machine = setup({ guards: { ready: () => true, late: () => false } }).createMachine({
    id: 'Probe',
    initial: 'WAITING',
    states: {
      WAITING: {
        on: { Go: [{ guard: 'ready', target: 'DONE' }, { target: 'WAITING' }], Ping: {}, Poke: { actions: () => undefined } },
        after: { TIMEOUT: 'DONE' },
        always: { guard: 'late', target: 'DONE' },
      },
      DONE: { type: 'final' },
    },
  }, ) as unknown as AnyStateMachine;

  it('labels guards, named timeouts, eventless and ignored transitions, and draws targetless ones as self-loops', () => {
    const model = diagramModel(machine);
    expect(model.transitions.map((t) => [t.source, t.targets, transitionLabel(t)])).toEqual([
      ['Probe.WAITING', ['Probe.DONE'], 'Go [ready]'],
      ['Probe.WAITING', ['Probe.WAITING'], 'Go'],
      ['Probe.WAITING', [], 'Ping (ignored)'],
      ['Probe.WAITING', [], 'Poke'],
      ['Probe.WAITING', ['Probe.DONE'], 'after TIMEOUT'],
      ['Probe.WAITING', ['Probe.DONE'], 'always [late]'],
    ]);
    const mermaidText = toMermaid(model);
    expect(mermaidText).toContain('\n  Probe_WAITING : Ping (ignored)\n');
    expect(mermaidText).toContain('Probe_WAITING --> Probe_WAITING : Go\n');
    expect(mermaidText).toContain('Probe_DONE --> [*]');
    const dot = toDot(model);
    expect(dot).toContain('"Probe.WAITING" -> "Probe.WAITING" [label="Go"];');
    expect(dot).toContain('<TR><TD>WAITING</TD></TR><HR/><TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="#868e96"><I>Ping (ignored)</I></FONT></TD></TR><TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="#000000">Poke</FONT></TD></TR>');
    expect(dot).not.toContain('label="Ping');
  });
});
