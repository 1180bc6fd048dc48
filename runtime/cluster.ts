/**
 * The composition root: builds one actor system for a scenario (network, Master, Workers with
 * their ExecutorRunners and executor processes, one driver process per application), drives it
 * on one virtual clock, injects the scenario's faults, and exposes read-only projections.
 */
import { createActor, enqueueActions, setup, type AnyActorLogic, type AnyActorRef, type Actor, type InspectionEvent } from 'xstate';
import { networkLogic, type Envelope, type EnvelopeOutcome, type NetworkControl } from '../actors/network.js';
import { tickerLogic } from '../actors/ticker.js';
import { isDynamicAllocationEnabled } from '../machines/allocationConf.js';
import { allocationManagerMachine } from '../machines/allocationManager.js';
import { createExecutorProcess } from '../actors/executorProcess.js';
import { createDriverProcess } from '../actors/driverProcess.js';
import { appClientMachine } from '../machines/appClient.js';
import { masterMachine } from '../machines/master.js';
import { workerMachine } from '../machines/worker.js';
import { executorRunnerMachine } from '../machines/executorRunner.js';
import { createTaskWork } from '../actors/taskWork.js';
import { schedulerBackendMachine } from '../machines/schedulerBackend.js';
import { heartbeatReceiverMachine } from '../machines/heartbeatReceiver.js';
import { dagSchedulerMachine } from '../machines/dagScheduler.js';
import { executorBackendMachine } from '../machines/executorBackend.js';
import { taskRunnerMachine } from '../machines/task.js';
import { ENDPOINT, endpointAddress, executorProcess, workerId as sparkWorkerId } from '../machines/ids.js';
import { NETWORK_SYSTEM_ID } from '../machines/rpc.js';
import { resourceManagerMachine } from '../machines/yarn/resourceManager.js';
import { containerMachine, nodeManagerMachine, type NodeManagerContext } from '../machines/yarn/nodeManager.js';
import { applicationMasterMachine, initialTargetExecutorNumber } from '../machines/yarn/applicationMaster.js';
import { yarnSchedulerEndpointMachine } from '../machines/yarn/yarnSchedulerEndpoint.js';
import { RESOURCE_MANAGER_ADDRESS, amAddress, applicationAttemptId, applicationId as yarnApplicationId, nodeId as yarnNodeId, nodeManagerAddress } from '../machines/yarn/ids.js';
import type { ApplicationDescription } from '../machines/protocol.js';
import { optNum, num, type ResolvedConf } from '../machines/conf.js';
import { VirtualClock } from './clock.js';
import { SeededRandom, seededIds } from './random.js';
import { Trace } from './trace.js';
import { Workload } from './workload.js';
import { FaultInjector } from './faults.js';
import { CheckRunner, InvariantViolation } from './checkers.js';
import type { ApplicationSpec, NodeManagerSpec, Scenario, WorkerSpec } from './scenario.js';

export const MASTER_PROCESS = 'master';
export const MASTER_ADDRESS = endpointAddress(MASTER_PROCESS, ENDPOINT.Master);
/** Simulated JVM start-up: process start to the executor backend's first message. */
export const EXECUTOR_JVM_STARTUP_MS = 1000;
/** After every application has finished, the run goes on this long so workers report their executors' ends (ExecutorRunner's EXECUTOR_TERMINATE_TIMEOUT_MS). */
export const DRAIN_MS = 10_000;

export interface ClusterOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Keep every envelope in the trace (needed for the timeline and reports of executors); default true. */
  keepTrace?: boolean;
  /** Check every invariant after each delivered message and stop at the first violation. */
  checked?: boolean;
  /** XState inspection observer for every actor of the cluster (coverage, Stately's inspector). */
  inspect?: (event: InspectionEvent) => void;
}

export interface RunResult {
  outcome: 'completed' | 'stopped';
  /** Simulated time since the scenario's start. */
  simulatedMs: number;
  /** In checked mode, the first invariant violated (the run stopped there). */
  violation?: InvariantViolation;
}

export const workerProcess = (worker: WorkerSpec) => worker.host;
export const workerAddress = (worker: WorkerSpec) => endpointAddress(workerProcess(worker), ENDPOINT.Worker);
export const driverProcessName = (app: ApplicationSpec) => `driver-${app.index}`;
export const nodeManagerProcess = (nm: NodeManagerSpec) => nm.host;
/** The YARN ids of an application: the RM numbers applications from 1 in submission order (here: scenario order). */
export function yarnIds(scenario: Scenario, app: ApplicationSpec): { appId: string; appAttemptId: string } {
  return { appId: yarnApplicationId(scenario.startTimeMs, app.index + 1), appAttemptId: applicationAttemptId(scenario.startTimeMs, app.index + 1) };
}
export const driverAddress = (app: ApplicationSpec, endpoint: (typeof ENDPOINT)[keyof typeof ENDPOINT]) => endpointAddress(driverProcessName(app), endpoint);

/** What Spark's SparkContext / StandaloneSchedulerBackend put in the ApplicationDescription. */
export function applicationDescription(app: ApplicationSpec): ApplicationDescription {
  const conf = app.conf;
  const maxCores = optNum(conf, 'spark.cores.max');
  const coresPerExecutor = optNum(conf, 'spark.executor.cores');
  return {
    name: app.name,
    driverUrl: driverAddress(app, ENDPOINT.CoarseGrainedScheduler),
    memoryPerExecutorMB: num(conf, 'spark.executor.memory'),
    ...(maxCores !== undefined ? { maxCores } : {}),
    ...(coresPerExecutor !== undefined ? { coresPerExecutor } : {}),
    // StandaloneSchedulerBackend: with dynamic allocation the Master launches nothing until the
    // allocation manager's first request (initialExecutorLimit = Some(0)).
    ...(isDynamicAllocationEnabled(conf) ? { initialExecutorLimit: 0 } : {}),
  };
}

type RootEvent = { type: 'cluster.spawn'; key: string } | { type: 'cluster.stop'; id: string };

interface SpawnRequest { logic: AnyActorLogic; id: string; systemId: string; input: unknown }

export class Cluster {
  readonly clock: VirtualClock;
  readonly trace: Trace;
  readonly seed: number;
  readonly workload: Workload;
  readonly faults: FaultInjector;
  readonly checked: boolean;
  private readonly root: Actor<AnyActorLogic>;
  private readonly spawnRequests = new Map<string, SpawnRequest>();
  private started = false;
  private violation: InvariantViolation | undefined;
  /** Checked mode: messages sent and not yet delivered, dropped or dead-lettered (held ones included), by envelope id. */
  private readonly inFlight = new Map<string, Envelope>();
  /** Each application's SparkContext system id: looked up after every delivered message in checked runs. */
  private readonly sparkContextIds: readonly string[];

  constructor(readonly scenario: Scenario, options: ClusterOptions = {}) {
    this.seed = options.seed ?? scenario.seed;
    this.checked = options.checked ?? false;
    this.clock = new VirtualClock(scenario.startTimeMs);
    this.sparkContextIds = scenario.applications.map((app) => driverAddress(app, ENDPOINT.SparkContext));
    this.trace = new Trace({ keepEntries: options.keepTrace ?? true }, scenario.startTimeMs);
    this.workload = new Workload(scenario, this.seed);
    this.faults = new FaultInjector(this);

    const spawnRequests = this.spawnRequests;
    const rootLogic = setup({ types: { events: {} as RootEvent } }).createMachine({
      id: 'cluster',
      on: {
        'cluster.spawn': {
          actions: enqueueActions(({ event, enqueue }) => {
            const request = spawnRequests.get(event.key)!;
            spawnRequests.delete(event.key);
            // Spawned from logic objects with computed system ids (XState types only allow ids for named slots).
            (enqueue.spawnChild as (src: AnyActorLogic, options: { id: string; systemId: string; input: unknown }) => void)(request.logic, request);
          }),
        },
        'cluster.stop': { actions: enqueueActions(({ event, enqueue }) => enqueue.stopChild(event.id)) },
      },
    });
    this.root = createActor(rootLogic, { clock: this.clock, id: 'cluster', ...(options.inspect ? { inspect: options.inspect } : {}) }) as unknown as Actor<AnyActorLogic>;
  }

  /**
   * Checked mode: the messages in flight, in sending order, so a checker of an agreement between
   * two actors' books can allow for the message that will bring them into line ("once messages in
   * flight are delivered"). Empty when unchecked.
   */
  messagesInFlight(): Envelope[] {
    return [...this.inFlight.values()];
  }

  /** Starts the system: network, Master and Workers now; applications and faults at their times. */
  start(): this {
    if (this.started) return this;
    this.started = true;
    const { scenario } = this;
    this.root.start();
    const checks = new CheckRunner();
    const observer = this.checked
      ? {
          onSend: (envelope: Envelope) => this.inFlight.set(envelope.id, envelope),
          onEnvelope: (envelope: Envelope, outcome: EnvelopeOutcome, atMs: number, detail?: string) => {
            this.inFlight.delete(envelope.id);
            this.trace.onEnvelope(envelope, outcome, atMs, detail);
          },
          afterDelivery: (envelope: { type?: string; message: { type: string } }) => {
            if (this.violation) return;
            const found = checks.violations(this);
            if (found.length > 0) {
              const [checker, ...detail] = found[0]!.split(': ');
              this.violation = new InvariantViolation(checker!, this.clock.now() - scenario.startTimeMs, `${detail.join(': ')} (after ${envelope.message.type})`);
            }
          },
        }
      : this.trace;
    this.spawn({ logic: networkLogic, id: NETWORK_SYSTEM_ID, systemId: NETWORK_SYSTEM_ID, input: { clock: this.clock, latencyMs: scenario.networkLatencyMs, newId: seededIds(this.seed), observer } });
    if (scenario.clusterManager === 'yarn') this.startYarn();
    else this.startStandalone();
    const driverLogic = createDriverProcess({
      appClient: appClientMachine,
      yarnScheduler: yarnSchedulerEndpointMachine,
      schedulerBackend: schedulerBackendMachine.provide({ actors: { ticker: tickerLogic } }),
      heartbeatReceiver: heartbeatReceiverMachine.provide({ actors: { ticker: tickerLogic } }),
      dagScheduler: dagSchedulerMachine,
      allocationManager: allocationManagerMachine.provide({ actors: { ticker: tickerLogic } }),
    });
    for (const app of scenario.applications) {
      const yarn = scenario.clusterManager === 'yarn' ? yarnIds(scenario, app) : undefined;
      this.clock.setTimeout(() => {
        this.spawn({
          logic: driverLogic,
          id: driverProcessName(app),
          systemId: driverAddress(app, ENDPOINT.SparkContext),
          input: {
            process: driverProcessName(app),
            masterAddress: MASTER_ADDRESS,
            appDescription: applicationDescription(app),
            conf: app.conf,
            jobs: this.workload.plan(app.index),
            stopWhenDone: app.stopWhenDone,
            ...(yarn ? { clusterManager: { kind: 'yarn', appId: yarn.appId } } : {}),
          },
        });
      }, app.submitAtMs);
      // Client mode: the RM launches the AM (ExecutorLauncher), which starts like any JVM.
      if (yarn) this.clock.setTimeout(() => this.spawnApplicationMaster(app), app.submitAtMs + EXECUTOR_JVM_STARTUP_MS);
    }
    this.faults.schedule();
    return this;
  }

  private startStandalone(): void {
    const { scenario } = this;
    this.spawn({ logic: masterMachine.provide({ actors: { ticker: tickerLogic } }), id: MASTER_ADDRESS, systemId: MASTER_ADDRESS, input: { address: MASTER_ADDRESS, conf: scenario.clusterConf } });
    const workerLogic = this.workerLogic();
    for (const worker of scenario.workers) {
      const fuzz = new SeededRandom(this.seed, 'worker-registration-fuzz', worker.index).next() + 0.5;
      this.spawn({
        logic: workerLogic,
        id: workerAddress(worker),
        systemId: workerAddress(worker),
        input: {
          address: workerAddress(worker),
          workerId: sparkWorkerId(scenario.startTimeMs, worker.host, worker.port),
          host: worker.host,
          port: worker.port,
          cores: worker.cores,
          memory: worker.memoryMb,
          masterAddress: MASTER_ADDRESS,
          conf: scenario.clusterConf,
          registrationRetryFuzzMultiplier: fuzz,
        },
      });
    }
  }

  /** The ResourceManager, then the NodeManagers, which register with it. */
  private startYarn(): void {
    const { scenario } = this;
    this.spawn({
      logic: resourceManagerMachine.provide({ actors: { ticker: tickerLogic } }),
      id: RESOURCE_MANAGER_ADDRESS,
      systemId: RESOURCE_MANAGER_ADDRESS,
      input: { address: RESOURCE_MANAGER_ADDRESS, clusterTimestamp: scenario.startTimeMs },
    });
    const logic = nodeManagerMachine.provide({ actors: { ticker: tickerLogic, container: containerMachine.provide({ actors: { executorProcess: this.executorProcessLogic() } }) } });
    for (const nm of scenario.nodeManagers) {
      const address = nodeManagerAddress(nodeManagerProcess(nm));
      this.spawn({ logic, id: address, systemId: address, input: { address, nodeId: yarnNodeId(nm.host, nm.port), host: nm.host, resource: { memory: nm.memoryMb, vCores: nm.cores }, resourceManager: RESOURCE_MANAGER_ADDRESS } });
    }
  }

  private spawnApplicationMaster(app: ApplicationSpec): void {
    const { appId, appAttemptId } = yarnIds(this.scenario, app);
    const address = amAddress(appAttemptId);
    this.spawn({
      logic: applicationMasterMachine,
      id: address,
      systemId: address,
      input: {
        address,
        appId,
        appAttemptId,
        host: appAttemptId,
        resourceManager: RESOURCE_MANAGER_ADDRESS,
        driver: driverAddress(app, ENDPOINT.YarnScheduler),
        appDesc: applicationDescription(app),
        // spark.executor.cores defaults to 1 on YARN.
        executorCores: optNum(app.conf, 'spark.executor.cores') ?? 1,
        executorMemory: num(app.conf, 'spark.executor.memory'),
        initialTarget: initialTargetExecutorNumber(app.conf),
        heartbeatIntervalMs: num(app.conf, 'spark.yarn.scheduler.heartbeat.interval-ms'),
        initialAllocationIntervalMs: num(app.conf, 'spark.yarn.scheduler.initial-allocation.interval'),
      },
    });
  }

  /**
   * Runs until every application has finished (then `DRAIN_MS` more) or until `untilMs` after the
   * start (default: the scenario's stopAt), whichever comes first.
   */
  run(untilMs = this.scenario.stopAtMs): RunResult {
    const phases = this.phases(untilMs);
    for (let phase = phases.next(); ; phase = phases.next()) {
      if (phase.done) return phase.value;
      this.clock.runUntil(phase.value.targetMs, { stop: phase.value.stop });
    }
  }

  /**
   * The same run, advanced by `runPhase` (runtime/pacing.ts paces it against real time or
   * a person's Enter key); the simulated outcome is identical to `run`'s.
   */
  async runPaced(runPhase: (targetMs: number, stop: () => boolean) => Promise<void>, untilMs = this.scenario.stopAtMs): Promise<RunResult> {
    const phases = this.phases(untilMs);
    for (let phase = phases.next(); ; phase = phases.next()) {
      if (phase.done) return phase.value;
      await runPhase(phase.value.targetMs, phase.value.stop);
    }
  }

  /** A run's two phases (until done or stopAt, then the drain) as clock targets with their stop conditions. */
  private *phases(untilMs: number): Generator<{ targetMs: number; stop: () => boolean }, RunResult> {
    this.start();
    const stopAt = this.scenario.startTimeMs + Math.min(untilMs, this.scenario.stopAtMs);
    const stop = () => this.violation !== undefined;
    yield { targetMs: stopAt, stop: () => stop() || this.allApplicationsFinished() };
    const completed = this.allApplicationsFinished();
    if (completed && !stop()) yield { targetMs: Math.min(stopAt, this.clock.now() + DRAIN_MS), stop };
    return {
      outcome: completed ? 'completed' : 'stopped',
      simulatedMs: this.clock.now() - this.scenario.startTimeMs,
      ...(this.violation ? { violation: this.violation } : {}),
    };
  }

  /** The driver's cluster-manager client endpoint: the AppClient (standalone) or the YarnSchedulerEndpoint. */
  get clientEndpoint(): typeof ENDPOINT.AppClient | typeof ENDPOINT.YarnScheduler {
    return this.scenario.clusterManager === 'yarn' ? ENDPOINT.YarnScheduler : ENDPOINT.AppClient;
  }

  /** Every application was submitted and its cluster-manager client has stopped (or, standalone, is dead). */
  allApplicationsFinished(): boolean {
    return this.scenario.applications.every((app) => this.driverEndpoint(app.index, this.clientEndpoint)?.getSnapshot().status === 'done');
  }

  /**
   * A driver endpoint of an application, found through its driver process (an endpoint that
   * reached a final state is no longer registered under its system id, but keeps its snapshot).
   */
  driverEndpoint(appIndex: number, endpoint: (typeof ENDPOINT)[keyof typeof ENDPOINT]): AnyActorRef | undefined {
    const id = this.sparkContextIds[appIndex];
    if (id === undefined) return undefined;
    return this.actor(id)?.getSnapshot().children?.[endpoint] as AnyActorRef | undefined;
  }

  /** An actor by system id (read-only use: snapshots for projections, never for decisions). */
  actor(systemId: string): AnyActorRef | undefined {
    return this.root.system.get(systemId) as AnyActorRef | undefined;
  }

  /** Sends a control event to the network (faults). */
  network(event: NetworkControl): void {
    this.actor(NETWORK_SYSTEM_ID)?.send(event);
  }

  /** Stops a top-level process actor (a crashed worker). */
  stopProcess(id: string): void {
    this.root.send({ type: 'cluster.stop', id });
  }

  /** The application's id as its AppClient learnt it from the Master. */
  appId(appIndex: number): string | undefined {
    return (this.driverEndpoint(appIndex, this.clientEndpoint)?.getSnapshot().context as { appId?: string } | undefined)?.appId;
  }

  /** A NodeManager's running containers (container id -> executor id), read from its snapshot. */
  nodeManagerContainers(nm: NodeManagerSpec): Record<string, string> {
    const actor = this.actor(nodeManagerAddress(nodeManagerProcess(nm)));
    if (!actor || actor.getSnapshot().status !== 'active') return {};
    return (actor.getSnapshot().context as NodeManagerContext).containers;
  }

  /** The container that runs an executor on YARN, with its NodeManager and process. */
  executorContainer(appId: string, execId: number): { nodeManager: NodeManagerSpec; containerId: string; process: AnyActorRef } | undefined {
    for (const nm of this.scenario.nodeManagers) {
      const actor = this.actor(nodeManagerAddress(nodeManagerProcess(nm)));
      for (const [containerId, executorId] of Object.entries(this.nodeManagerContainers(nm))) {
        if (executorId !== String(execId) || !containerId.includes(`_${appId.split('_')[2]}_`)) continue;
        const container = actor?.getSnapshot().children?.[containerId] as AnyActorRef | undefined;
        const process = container?.getSnapshot().children?.['process'] as AnyActorRef | undefined;
        if (process) return { nodeManager: nm, containerId, process };
      }
    }
    return undefined;
  }

  /** The process actor of an executor, found through the worker (or, on YARN, the container) that runs it. */
  executorProcessActor(appId: string, execId: number): { worker: WorkerSpec; process: AnyActorRef } | undefined {
    if (this.scenario.clusterManager === 'yarn') {
      const found = this.executorContainer(appId, execId);
      return found ? { worker: found.nodeManager, process: found.process } : undefined;
    }
    for (const worker of this.scenario.workers) {
      const runner = this.actor(workerAddress(worker))?.getSnapshot().children?.[`${appId}/${execId}`] as AnyActorRef | undefined;
      const process = runner?.getSnapshot().children?.['process'] as AnyActorRef | undefined;
      if (process) return { worker, process };
    }
    return undefined;
  }

  private spawn(request: SpawnRequest): void {
    const key = `${request.id}#${this.spawnRequests.size}`;
    this.spawnRequests.set(key, request);
    this.root.send({ type: 'cluster.spawn', key });
  }

  private workerLogic(): AnyActorLogic {
    return workerMachine.provide({
      actors: { ticker: tickerLogic, executorRunner: executorRunnerMachine.provide({ actors: { executorProcess: this.executorProcessLogic() } }) },
    });
  }

  /** The executor JVM stand-in (CoarseGrainedExecutorBackend inside), for ExecutorRunners and YARN containers alike. */
  private executorProcessLogic(): AnyActorLogic {
    const backendByDriver = new Map<string, AnyActorLogic>();
    for (const app of this.scenario.applications) {
      const taskWork = createTaskWork({ clock: this.clock, outcome: (task) => this.workload.outcome(app.index, task) });
      backendByDriver.set(
        driverAddress(app, ENDPOINT.CoarseGrainedScheduler),
        executorBackendMachine.provide({ actors: { ticker: tickerLogic, taskRunner: taskRunnerMachine.provide({ actions: taskWork }) } }),
      );
    }
    const confByDriver = new Map<string, ResolvedConf>(this.scenario.applications.map((app) => [driverAddress(app, ENDPOINT.CoarseGrainedScheduler), app.conf]));
    return createExecutorProcess({
      takeLaunchFailure: (workerId) => this.faults.takeLaunchFailure(workerId),
      takeLaunchDelay: (workerId) => this.faults.takeLaunchDelay(workerId),
      appConf: (driverUrl) => confByDriver.get(driverUrl)!,
      heartbeatJitter: (appId, execId) => new SeededRandom(this.seed, 'heartbeat-jitter', appId, execId).next(),
      jvmStartupMs: EXECUTOR_JVM_STARTUP_MS,
      executorBackendFor: (driverUrl) => backendByDriver.get(driverUrl)!,
    });
  }
}

export function createCluster(scenario: Scenario, options: ClusterOptions = {}): Cluster {
  return new Cluster(scenario, options);
}

export { executorProcess };
