// Steady-state idle cost: CPU per simulated minute after start-up (minutes 2..2+M).
import { createCluster } from '../runtime/cluster.js';
import { parseScenario } from '../runtime/scenario.js';
import { benchScenario } from './scenarios.js';
const M = Number(process.argv[2] ?? 5);
const warm = createCluster(parseScenario(benchScenario({ name: 'w', executors: 8, tasks: 400, stopAt: '1h' }), 'w.json'), { keepTrace: false }); warm.run();
const c = createCluster(parseScenario(benchScenario({ name: 'idle', executors: 1000, tasks: 0, stopAt: '1h' }), 'idle.json'), { keepTrace: false, checked: false });
c.start();
const t0 = c.clock.now();
c.clock.runUntil(t0 + 120_000);
const cpu0 = process.cpuUsage(); const w0 = performance.now();
c.clock.runUntil(t0 + 120_000 + M * 60_000);
const cpu = process.cpuUsage(cpu0); const ms = (cpu.user + cpu.system) / 1000;
console.log(JSON.stringify({ cpuMsPerMin: +(ms / M).toFixed(0), wallMsPerMin: +((performance.now() - w0) / M).toFixed(0), hourRatioCpu: +(3600_000 / (ms / M * 60)).toFixed(0) }));
