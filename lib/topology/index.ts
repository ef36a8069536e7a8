/** The expected path between two endpoints, from the inventory alone. */
export { expectedPath } from './expected-path';
export { chooseEndpoint, serviceEndpoints } from './endpoints';
export type { ServiceEndpoint } from './endpoints';
export type { ExpectedElement, ExpectedPath, PathKind, TopologyOptions } from './types';
