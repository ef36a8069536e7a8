import { describe, expect, it } from 'vitest';
import { RefError } from './errors';
import { formatEndpointRef, parseEndpointRef } from './parse';

const fails = (text: string) => {
  try {
    parseEndpointRef(text);
  } catch (e) {
    expect(e).toBeInstanceOf(RefError);
    expect((e as RefError).code).toBe('bad-reference');
    expect((e as RefError).status).toBe(400);
    return (e as RefError).message;
  }
  throw new Error(`"${text}" parsed`);
};

describe('parseEndpointRef', () => {
  it('reads every form of the contract', () => {
    expect(parseEndpointRef('pod:default/web-client')).toEqual({
      kind: 'pod',
      namespace: 'default',
      name: 'web-client',
    });
    expect(parseEndpointRef('node:node-2')).toEqual({ kind: 'node', name: 'node-2' });
    expect(parseEndpointRef('service:default/k8s-go-demo-svc')).toEqual({
      kind: 'service',
      namespace: 'default',
      name: 'k8s-go-demo-svc',
      port: null,
    });
    expect(parseEndpointRef('service:default/k8s-go-demo-svc:http')).toMatchObject({
      port: 'http',
    });
    expect(parseEndpointRef('service:default/legacy-api:8080')).toMatchObject({ port: '8080' });
    expect(parseEndpointRef('ip:192.168.2.10')).toEqual({
      kind: 'ip',
      address: '192.168.2.10',
      port: null,
    });
    expect(parseEndpointRef(' ip:192.168.56.240:80 ')).toEqual({
      kind: 'ip',
      address: '192.168.56.240',
      port: 80,
    });
    expect(parseEndpointRef('dns:K8s-Go-Demo-SLB.default.svc.cluster.local:38001')).toEqual({
      kind: 'dns',
      name: 'k8s-go-demo-slb.default.svc.cluster.local',
      port: 38001,
    });
  });

  it('reads IPv6 addresses, with a port only in brackets', () => {
    expect(parseEndpointRef('ip:FD00::0:1')).toEqual({
      kind: 'ip',
      address: 'fd00::1',
      port: null,
    });
    expect(parseEndpointRef('ip:[fd00::1]:443')).toEqual({
      kind: 'ip',
      address: 'fd00::1',
      port: 443,
    });
    expect(fails('ip:[fd00::1')).toMatch(/missing "]"/);
    expect(fails('ip:[fd00::1]443')).toMatch(/:PORT/);
  });

  it('refuses malformed references with a message saying what was expected', () => {
    expect(fails('')).toMatch(/empty/);
    expect(fails('httpd')).toMatch(/pod:NAMESPACE\/NAME/);
    expect(fails('deployment:default/web')).toMatch(/not a reference/);
    expect(fails('POD:default/httpd')).toMatch(/not a reference/);
    expect(fails('pod:httpd')).toMatch(/NAMESPACE\/NAME/);
    expect(fails('pod:default/')).toMatch(/NAMESPACE\/NAME/);
    expect(fails('pod:a/b/c')).toMatch(/NAMESPACE\/NAME/);
    expect(fails('pod:Default/httpd')).toMatch(/namespace/);
    expect(fails('pod:default/HTTPD')).toMatch(/pod name/);
    expect(fails('node:node_2')).toMatch(/node name/);
    expect(fails('service:default/9lives')).toMatch(/Service name/);
    expect(fails('service:default/httpd:0')).toMatch(/Service port/);
    expect(fails('service:default/httpd:70000')).toMatch(/Service port/);
    expect(fails('service:default/httpd:Http')).toMatch(/Service port/);
    expect(fails('ip:10.0.0.256')).toMatch(/not an IP/);
    expect(fails('ip:10.0.0.1:')).toMatch(/port number/);
    expect(fails('ip:10.0.0.1:http')).toMatch(/port number/);
    expect(fails('ip:10.0.0.1:65536')).toMatch(/port number/);
    expect(fails('dns:10.0.0.1')).toMatch(/write ip:10.0.0.1/);
    expect(fails('dns:bad..name')).toMatch(/DNS name/);
    expect(fails(`dns:${'a'.repeat(300)}`)).toMatch(/longer/);
  });

  it('formats back to the canonical spelling', () => {
    for (const text of [
      'pod:default/httpd',
      'node:node-1',
      'service:default/httpd',
      'service:default/httpd:80',
      'ip:192.168.2.10',
      'ip:192.168.2.10:5432',
      'ip:fd00::1',
      'ip:[fd00::1]:80',
      'dns:example.org:443',
    ]) {
      expect(formatEndpointRef(parseEndpointRef(text))).toBe(text);
    }
  });
});
