import type { Rule } from '../types';
import { dnsRule } from './dns';
import { hairpinRule } from './hairpin';
import { hostNetworkExternalIpRule } from './hostnetwork-external-ip';
import { localTrafficPolicyRule } from './local-traffic-policy';
import { networkPolicyRule } from './network-policy';
import { noEndpointsRule } from './no-endpoints';
import { noRouteRule } from './no-route';
import { podEgressNoSnatRule } from './pod-egress-no-snat';

/**
 * Every diagnosis rule the engine runs, in no particular order (findings are sorted by the
 * runner). A new rule is a module beside this file with its own test, and one line here.
 */
export const rules: readonly Rule[] = [
  localTrafficPolicyRule,
  hostNetworkExternalIpRule,
  podEgressNoSnatRule,
  noRouteRule,
  hairpinRule,
  noEndpointsRule,
  networkPolicyRule,
  dnsRule,
];
