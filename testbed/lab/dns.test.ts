import { describe, expect, it } from 'vitest';
import { answer, dnsRecords, podResolvConf } from './dns-records';
import {
  buildResponse,
  encodeQuery,
  parseAnswerAddresses,
  parseQuery,
  RCODE_NOERROR,
  RCODE_NXDOMAIN,
  TYPE_A,
  TYPE_AAAA,
} from './dns-wire';

const records = dnsRecords([
  { namespace: 'default', name: 'httpd', addresses: ['10.96.100.10'], headless: false },
  {
    namespace: 'default',
    name: 'k8s-go-demo-svc-headless',
    addresses: ['10.244.1.4', '10.244.2.4'],
    headless: true,
  },
]);

describe('cluster DNS answers', () => {
  it('answers Services, headless pods and pod-IP names; NXDOMAIN inside the zone', () => {
    expect(answer(records, 'HTTPD.default.svc.cluster.local.', TYPE_A)).toEqual({
      rcode: RCODE_NOERROR,
      addresses: ['10.96.100.10'],
    });
    expect(
      answer(records, 'k8s-go-demo-svc-headless.default.svc.cluster.local', TYPE_A).addresses,
    ).toHaveLength(2);
    expect(answer(records, 'httpd.default.svc.cluster.local', TYPE_AAAA)).toEqual({
      rcode: RCODE_NOERROR,
      addresses: [],
    });
    expect(answer(records, '10-244-1-3.default.pod.cluster.local', TYPE_A).addresses).toEqual([
      '10.244.1.3',
    ]);
    expect(answer(records, 'httpd.svc.cluster.local', TYPE_A).rcode).toBe(RCODE_NXDOMAIN);
    expect(answer(records, '3.1.244.10.in-addr.arpa', 12).rcode).toBe(RCODE_NXDOMAIN);
    expect(answer(records, 'example.com', TYPE_A).rcode).toBe(2);
  });

  it('round-trips a query and its answer through the wire format', () => {
    const query = parseQuery(encodeQuery(0x1234, 'httpd.default.svc.cluster.local'));
    expect(query?.question).toEqual({
      name: 'httpd.default.svc.cluster.local',
      type: TYPE_A,
      class: 1,
    });
    const response = buildResponse(query!, RCODE_NOERROR, ['10.96.100.10', '10.96.100.11']);
    expect(response.readUInt16BE(0)).toBe(0x1234);
    expect(parseAnswerAddresses(response)).toEqual({
      rcode: 0,
      addresses: ['10.96.100.10', '10.96.100.11'],
    });
    expect(parseQuery(Buffer.from([1, 2, 3]))).toBeNull();
  });

  it('writes the resolv.conf kubelet gives a ClusterFirst pod', () => {
    expect(podResolvConf('default', '10.96.0.10')).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
  });
});
