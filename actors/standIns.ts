/**
 * Minimal stand-ins for the driver-side endpoints and the executor backend, used until their
 * statecharts exist (issue: "Driver and executors"). They accept every message and do nothing:
 * the driver's AppClient still registers the application and hears about its executors, and an
 * executor process stays up until it is killed. To be replaced, not grown.
 */
import { setup } from 'xstate';

/** An endpoint that takes any message and never answers. */
export const inertEndpoint = setup({}).createMachine({ id: 'inert', on: { '*': {} } });
