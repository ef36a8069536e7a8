/** Endpoint references of the contract: syntax, resolution against the inventory, errors. */
export { RefError } from './errors';
export { formatEndpointRef, parseEndpointRef } from './parse';
export { pickServicePort, resolveEndpoint } from './resolve-endpoint';
export type { EndpointRef, EndpointRole, RefErrorCode, ResolvedEndpoint } from './types';
