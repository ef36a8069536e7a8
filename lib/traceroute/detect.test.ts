import { describe, expect, it } from 'vitest';
import { classifyLine, commandMatches, findTraceStart, lblTool } from './detect';
import { cleanLines, parseShellCommand } from './noise';

const kindOf = (text: string) => classifyLine(cleanLines(text), 0);

describe('classifyLine', () => {
  it.each([
    ['traceroute to 10.244.1.3 (10.244.1.3), 30 hops max, 60 byte packets', 'lbl', true],
    [' 1  10.244.2.1  0.031 ms  0.003 ms  0.003 ms', 'lbl', false],
    [' 2  *  *  *', 'lbl', false],
    ['traceroute to 10.244.1.3 (10.244.1.3), 64 hops max', 'inetutils', true],
    ['  1   10.244.2.1  0.003ms  0.000ms  0.001ms ', 'inetutils', false],
    ['HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev', 'mtr', true],
    ['  1.|-- 10.244.2.1                 0.0%     2    0.1   0.1   0.1   0.2   0.1', 'mtr', false],
    ['  1. AS???    10.244.2.1           0.0%     2    0.1   0.1   0.1   0.1   0.0', 'mtr', false],
    [' 1?: [LOCALHOST]                      pmtu 1500', 'tracepath', true],
    [' 2:  no reply', 'tracepath', false],
  ])('%j is %s (header: %s)', (text, family, header) => {
    expect(kindOf(text)).toEqual({ family, header });
  });

  it.each([
    '$ traceroute -n 10.244.1.3',
    'PING 10.244.1.3 (10.244.1.3) 56(84) bytes of data.',
    '64 bytes from 10.244.1.3: icmp_seq=1 ttl=62 time=0.512 ms',
    'Start: 2026-11-22T00:06:00+0000',
    'web-client   1/1     Running   0          5m    10.244.2.3   node-2',
    '  1    <1 ms    <1 ms    <1 ms  192.168.56.1',
    '1 packets transmitted, 1 received, 0% packet loss, time 0ms',
    // tracepath's summary ends a trace; alone it starts none.
    '     Resume: pmtu 1500 hops 3 back 3 ',
  ])('%j is no trace line', (text) => {
    expect(kindOf(text)).toBeNull();
  });

  it('takes a header without byte count for LBL when LBL hops follow it', () => {
    const lines = cleanLines(
      'traceroute to 10.0.0.1 (10.0.0.1), 30 hops max\n 1  10.0.0.1  0.1 ms  0.1 ms\n',
    );
    expect(classifyLine(lines, 0)).toEqual({ family: 'lbl', header: true });
  });
});

describe('findTraceStart', () => {
  it('passes over prose, commands and other output', () => {
    const lines = cleanLines(
      [
        'Hi, from the pod:',
        '$ kubectl exec -it web-client -- sh',
        '/ # mtr -r 10.0.0.1',
        'Start: x',
        'HOST: a  Loss%  Snt',
      ].join('\n'),
    );
    expect(findTraceStart(lines, 0)).toEqual({ family: 'mtr', index: 4 });
    expect(findTraceStart(lines, 5)).toBeNull();
  });
});

describe('tools from commands and style', () => {
  it('matches a command to the family its tool prints', () => {
    expect(commandMatches(parseShellCommand('busybox traceroute x'), 'lbl')).toBe(true);
    expect(commandMatches(parseShellCommand('traceroute x'), 'inetutils')).toBe(true);
    expect(commandMatches(parseShellCommand('mtr -r x'), 'lbl')).toBe(false);
    expect(commandMatches(parseShellCommand('tracepath x'), 'tracepath')).toBe(true);
  });

  it('lets a busybox command decide, and the style otherwise', () => {
    const neutral = { wideGaps: 0, narrowGaps: 0, busyboxMarks: 0, linuxMarks: 0 };
    expect(lblTool(neutral, 60, parseShellCommand('busybox traceroute x'))).toBe('busybox');
    expect(lblTool(neutral, 46, parseShellCommand('traceroute x'))).toBe('busybox');
    expect(lblTool(neutral, 60, parseShellCommand('traceroute x'))).toBe('traceroute');
    expect(lblTool({ ...neutral, wideGaps: 4 }, null, null)).toBe('busybox');
    expect(lblTool(neutral, null, null)).toBe('traceroute');
  });
});
