/** Hop resolution: address -> owning entity, from the inventory and the known outside hosts. */
export type { AddressOwner, KnownHost, RawHop, ResolveOptions } from './types';
export {
  deviceName,
  findKnownHost,
  knownHostEntity,
  ownerEntity,
  resolveAddress,
  resolveHops,
} from './resolve-address';
export { parseKnownHosts } from './known-hosts';
export { addressIndex, flannelBackend, lookupAddress, tunnelDevice } from './address-index';
export {
  canonicalIp,
  cidrContains,
  cidrHost,
  commonPrefixLength,
  formatIp,
  parseCidr,
  parseIp,
} from './ip';
export type { ParsedCidr, ParsedIp } from './ip';
export * from './element-ids';
