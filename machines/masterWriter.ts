/**
 * Copy-on-write over the Master's context, written by hand (as SchedulerWriter is for the
 * TaskScheduler): Master.scala's handlers mutate WorkerInfo and ApplicationInfo in place, and the
 * model runs them on `ctx`, a copy of the context whose records are copied the first time a
 * handler changes them, so a message costs what it changes, not the size of the cluster.
 *
 * Why not Immer (which the Master used before): Immer copies every kind of object at one spread
 * site, megamorphic in V8 (~170 ns per key, BENCHMARKS.md), so each of the 1,000
 * ExecutorStateChanged of a 1,000-executor start-up copied the application's executor record for
 * ~170 µs, and a draft cannot go through bucketed.ts's functions. Here each record has its own copy
 * site (the executor record: ~3 µs for 1,000 executors), and `workers` is bucketed: a
 * WorkerHeartbeat copies one bucket, where a spread of the 250-worker record (keys such as
 * `worker-20260101000000-10.0.0.1-7078`: a dictionary-mode object in V8) cost ~47 µs
 * (561 ms self in 20 idle minutes at 1,000 executors).
 *
 * Rule for handlers: objects read from `ctx` are shared with the previous snapshot and read-only;
 * to change one, take it from `ownWorker` / `ownApp` / `ownExecutor`, which return the message's own
 * copy (the same copy every time within one message). New objects are the handler's own.
 */
import * as bucketed from './bucketed.js';
import type { ApplicationInfo, ExecutorDesc, MasterContext, WorkerInfo } from './master.js';
import type { Out } from './masterSchedule.js';

export class MasterWriter {
  /** The next context: a copy of the base whose fields a handler may reassign. */
  readonly ctx: MasterContext;
  /** The messages the handler sends, in order. */
  readonly out: Out[] = [];
  /** Objects copied (or created) during this message: changed in place from then on. */
  private readonly owned = new Set<object>();

  constructor(base: MasterContext) {
    this.ctx = { ...base };
  }

  /** WorkerInfo by id (read-only), DEAD ones included. */
  worker(id: string): WorkerInfo | undefined {
    return bucketed.get(this.ctx.workers, id);
  }

  /** Every listed worker (read-only), in no particular order: callers that need Spark's order sort. */
  workers(): WorkerInfo[] {
    return bucketed.values(this.ctx.workers);
  }

  /** The worker's own copy for this message (its executor list copied too). The worker must be listed. */
  ownWorker(id: string): WorkerInfo {
    const worker = this.worker(id)!;
    if (this.owned.has(worker)) return worker;
    const copy: WorkerInfo = { ...worker, executors: [...worker.executors] };
    this.owned.add(copy);
    this.ctx.workers = bucketed.set(this.ctx.workers, id, copy);
    return copy;
  }

  addWorker(worker: WorkerInfo): void {
    this.owned.add(worker);
    this.ctx.workers = bucketed.set(this.ctx.workers, worker.id, worker);
  }

  /** Forgets the workers (Spark's workers -= w). */
  forgetWorkers(ids: readonly string[]): void {
    this.ctx.workers = bucketed.remove(this.ctx.workers, ids);
  }

  private ownApps(): Record<string, ApplicationInfo> {
    if (!this.owned.has(this.ctx.apps)) {
      this.ctx.apps = { ...this.ctx.apps };
      this.owned.add(this.ctx.apps);
    }
    return this.ctx.apps;
  }

  /** The application's own copy for this message. The application must be in `apps`. */
  ownApp(id: string): ApplicationInfo {
    const app = this.ctx.apps[id]!;
    if (this.owned.has(app)) return app;
    const copy: ApplicationInfo = { ...app };
    this.owned.add(copy);
    this.ownApps()[id] = copy;
    return copy;
  }

  addApp(app: ApplicationInfo): void {
    this.owned.add(app);
    this.ownApps()[app.id] = app;
  }

  forgetApp(id: string): void {
    delete this.ownApps()[id];
  }

  /** The executor record of an owned application, owned (copied once per message). */
  ownExecutors(app: ApplicationInfo): Record<number, ExecutorDesc> {
    if (!this.owned.has(app.executors)) {
      app.executors = { ...app.executors };
      this.owned.add(app.executors);
    }
    return app.executors;
  }

  /** The removed-executor list of an owned application, owned. */
  ownRemovedExecutors(app: ApplicationInfo): ExecutorDesc[] {
    if (!this.owned.has(app.removedExecutors)) {
      app.removedExecutors = [...app.removedExecutors];
      this.owned.add(app.removedExecutors);
    }
    return app.removedExecutors;
  }

  /** The executor's own copy, in the owned application's executor record. The executor must be in it. */
  ownExecutor(app: ApplicationInfo, id: number): ExecutorDesc {
    const exec = app.executors[id]!;
    if (this.owned.has(exec)) return exec;
    const copy: ExecutorDesc = { ...exec };
    this.owned.add(copy);
    this.ownExecutors(app)[id] = copy;
    return copy;
  }

  /** A new executor of an owned application. */
  addExecutor(app: ApplicationInfo, exec: ExecutorDesc): void {
    this.owned.add(exec);
    this.ownExecutors(app)[exec.id] = exec;
  }
}
