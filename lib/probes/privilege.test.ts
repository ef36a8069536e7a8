import { describe, expect, it } from 'vitest';
import { detectPrivilegeProblem } from './privilege';

describe('detectPrivilegeProblem', () => {
  it('recognises busybox traceroute without NET_RAW', () => {
    const problem = detectPrivilegeProblem({
      exitCode: 1,
      log: 'traceroute: socket(AF_INET,3,1): Operation not permitted\n',
    });
    expect(problem).toMatchObject({
      kind: 'capability',
      evidence: 'traceroute: socket(AF_INET,3,1): Operation not permitted',
    });
    expect(problem?.explanation).toMatch(/NET_RAW/);
  });

  it.each([
    'socket: Operation not permitted',
    'socket: Permission denied',
    'You do not have enough privileges to use this traceroute method.',
    'ping: permission denied (are you root?)',
    'traceroute: Operation not permitted',
  ])('recognises %j', (line) => {
    expect(detectPrivilegeProblem({ exitCode: 1, log: `${line}\n` })?.kind).toBe('capability');
  });

  it('does not take netfilter EPERM on send or connect for missing privilege', () => {
    expect(
      detectPrivilegeProblem({
        exitCode: 1,
        log: 'nc: connect to 10.0.0.1 port 80 (tcp) failed: Operation not permitted\n',
      }),
    ).toBeNull();
    expect(
      detectPrivilegeProblem({ exitCode: 1, log: 'send: Operation not permitted\n' }),
    ).toBeNull();
  });

  it('is quiet for network failures and successful runs', () => {
    expect(
      detectPrivilegeProblem({
        exitCode: 0,
        log: ' 1  10.244.2.1  0.04 ms\n 2  *\n',
      }),
    ).toBeNull();
    expect(
      detectPrivilegeProblem({ exitCode: 1, log: 'attempt 1 fail Connection refused\n' }),
    ).toBeNull();
  });

  it('recognises runAsNonRoot with a root image', () => {
    expect(
      detectPrivilegeProblem({
        reason: 'CreateContainerConfigError',
        message: 'container has runAsNonRoot and image will run as root (container: probe)',
      })?.kind,
    ).toBe('non-root');
    expect(
      detectPrivilegeProblem({
        reason: 'CreateContainerConfigError',
        message: 'configmap "x" not found',
      }),
    ).toBeNull();
  });

  it('tells Pod Security admission from RBAC', () => {
    const psa = detectPrivilegeProblem({
      errorCode: 'forbidden',
      message:
        'pods "podpath-probe-x7k2q" is forbidden: violates PodSecurity "restricted:latest": host namespaces (hostNetwork=true)',
    });
    expect(psa?.kind).toBe('pod-security');
    const rbac = detectPrivilegeProblem({
      errorCode: 'forbidden',
      message:
        'pods is forbidden: User "dev" cannot create resource "pods" in API group "" in the namespace "podpath"',
    });
    expect(rbac?.kind).toBe('rbac');
  });
});
