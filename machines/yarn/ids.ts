/**
 * Hadoop YARN's id formats (ApplicationId, ApplicationAttemptId, ContainerId, NodeId toString)
 * and the addresses of the YARN daemons in this model.
 */
import { ENDPOINT, endpointAddress } from '../ids.js';

/** The ResourceManager's process. */
export const RESOURCE_MANAGER_PROCESS = 'resourcemanager';
export const RESOURCE_MANAGER_ADDRESS = endpointAddress(RESOURCE_MANAGER_PROCESS, ENDPOINT.ResourceManager);
/** yarn.nodemanager.address's usual port (the NodeId's port). */
export const NODE_MANAGER_PORT = 8041;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** ApplicationId.toString: application_<clusterTimestamp>_<id, 4 digits>. */
export const applicationId = (clusterTimestamp: number, id: number) => `application_${clusterTimestamp}_${pad(id, 4)}`;
/** ApplicationAttemptId.toString: appattempt_<clusterTimestamp>_<app id, 4>_<attempt, 6>. */
export const applicationAttemptId = (clusterTimestamp: number, id: number, attempt = 1) => `appattempt_${clusterTimestamp}_${pad(id, 4)}_${pad(attempt, 6)}`;
/** ContainerId.toString: container_<clusterTimestamp>_<app id, 4>_<attempt, 2>_<container, 6>. The AM's container is 000001. */
export const containerId = (clusterTimestamp: number, appId: number, container: number, attempt = 1) => `container_${clusterTimestamp}_${pad(appId, 4)}_${pad(attempt, 2)}_${pad(container, 6)}`;
/** NodeId.toString: host:port. */
export const nodeId = (host: string, port = NODE_MANAGER_PORT) => `${host}:${port}`;
/** The process of an application's ApplicationMaster (ExecutorLauncher in client mode): its attempt id. */
export const amProcess = (appAttemptId: string) => appAttemptId;
export const amAddress = (appAttemptId: string) => endpointAddress(amProcess(appAttemptId), ENDPOINT.YarnAM);
export const nodeManagerAddress = (host: string) => endpointAddress(host, ENDPOINT.NodeManager);
