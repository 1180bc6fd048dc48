/**
 * The messages of the trace for the HTML report's sequence view: every envelope with its fate,
 * its endpoints as indices into one list (in order of first appearance), and a label made of
 * Spark's message name and fields (the text timeline's), escaped for Mermaid.
 */
import type { TaskDescription } from '../../machines/protocol.js';
import { ROUTINE_MESSAGES, describe } from '../timeline.js';
import type { TraceEntry } from '../trace.js';
import type { HtmlMessage } from './types.js';

/** Longest label drawn on an arrow; longer ones end in "…". */
const MAX_LABEL = 160;

/**
 * Text safe inside a Mermaid sequence diagram line: `;` ends a statement and `#` starts an entity
 * there, and angle brackets would be read as HTML, so they become Mermaid's entity codes.
 */
export function mermaidText(text: string): string {
  return text.replace(/[#;<>&"\r\n]/g, (c) => {
    switch (c) {
      case '#': return '#35;';
      case ';': return '#59;';
      case '<': return '#lt;';
      case '>': return '#gt;';
      case '&': return '#amp;';
      case '"': return '#quot;';
      default: return ' ';
    }
  });
}

function launchedAttempt(d: TaskDescription) {
  return { taskId: d.taskId, attemptNumber: d.attemptNumber, executorId: d.executorId, stageId: d.stageId, stageAttemptId: d.stageAttemptId, index: d.index };
}

export interface MessageData { endpoints: string[]; messages: HtmlMessage[]; omitted: number }

/** The first `limit` messages of the trace (a bound on the page's size), with their endpoints. */
export function messageData(entries: readonly TraceEntry[], limit: number): MessageData {
  const endpoints: string[] = [];
  const index = new Map<string, number>();
  const indexOf = (address: string) => {
    let i = index.get(address);
    if (i === undefined) {
      i = endpoints.push(address) - 1;
      index.set(address, i);
    }
    return i;
  };
  const messages: HtmlMessage[] = [];
  let omitted = 0;
  for (const e of entries) {
    if (e.kind !== 'message') continue;
    if (messages.length >= limit) {
      omitted++;
      continue;
    }
    // LaunchTask's fields are its TaskDescription (Spark serializes it into `data`): shown by the
    // fields that name the attempt (its `name` says the same again).
    const body = e.message.type === 'LaunchTask' ? launchedAttempt(e.message.data) : e.message;
    const fields = describe(body as unknown as Record<string, unknown>);
    const fate = e.outcome === 'delivered' ? '' : ` [${e.outcome}${e.detail ? `: ${e.detail}` : ''}]`;
    const text = `${e.type}${fields ? ` ${fields}` : ''}${fate}`;
    messages.push({
      atMs: e.atMs,
      sentAtMs: e.sentAtMs,
      from: indexOf(e.from),
      to: indexOf(e.to),
      type: e.type,
      label: mermaidText(text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text),
      outcome: e.outcome,
      routine: ROUTINE_MESSAGES.has(e.type),
    });
  }
  return { endpoints, messages, omitted };
}
