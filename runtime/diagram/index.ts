/** Statechart diagrams drawn from the machines' definitions (public API; the CLI's `diagram` command uses the same). */
export { diagramModel, allStates, transitionLabel, type DiagramModel, type DiagramState, type DiagramTransition, type StateKind } from './model.js';
export { toMermaid } from './mermaid.js';
export { toDot } from './dot.js';
export { toSvg } from './svg.js';
export { drawableMachines, findMachine } from './machines.js';
export { renderMachine, DIAGRAM_FORMATS, type DiagramFormat } from './command.js';
export { readCoverageFile, writeCoverageFile } from './coverageFile.js';
export { visitedIn, type Visited } from './visited.js';
