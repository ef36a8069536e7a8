import { describe, expect, it } from 'vitest';
import { cleanLines, parseShellCommand, shellWords } from './noise';

const texts = (input: string, partial = false): string[] =>
  cleanLines(input, { partial }).map((l) => l.text);

describe('cleanLines', () => {
  it('drops Markdown fences, blank lines and ^C, and keeps line numbers', () => {
    const lines = cleanLines('```console\n\n 1  10.0.0.1  0.1 ms\n 2  *  *^C\n```\n');
    expect(lines.map((l) => [l.no, l.text])).toEqual([
      [3, ' 1  10.0.0.1  0.1 ms'],
      [4, ' 2  *  *'],
    ]);
  });

  it('strips quote markers, nested or not', () => {
    expect(texts('> > traceroute to a (10.0.0.1), 30 hops max, 60 byte packets\n>  1  x')).toEqual([
      'traceroute to a (10.0.0.1), 30 hops max, 60 byte packets',
      ' 1  x',
    ]);
  });

  it('strips colours, window titles, CRLF, odd spaces and zero-width characters', () => {
    const input =
      '\u001b]0;me@box: ~\u0007\u001b[01;32mme@box\u001b[00m:~$ mtr -r x\r\n' +
      '\ufeff 1\u00a0 10.0.0.1\u200b  0.1 ms\r\n';
    const lines = cleanLines(input);
    expect(lines[0]?.command?.text).toBe('mtr -r x');
    expect(lines[1]?.text).toBe(' 1  10.0.0.1  0.1 ms');
  });

  it('keeps what a terminal shows when a carriage return overwrote the line', () => {
    expect(texts('waiting...\r 1  10.0.0.1  0.1 ms\n')).toEqual([' 1  10.0.0.1  0.1 ms']);
  });

  it('holds back an unfinished last line of streamed output', () => {
    const streamed = ' 1  10.0.0.1  0.1 ms\n 2  10.244.1';
    expect(texts(streamed, true)).toEqual([' 1  10.0.0.1  0.1 ms']);
    expect(texts(streamed, false)).toEqual([' 1  10.0.0.1  0.1 ms', ' 2  10.244.1']);
    expect(texts('no newline yet', true)).toEqual([]);
  });

  it.each([
    ['$ traceroute -n 10.0.0.1', 'traceroute -n 10.0.0.1'],
    ['# traceroute -n 10.0.0.1', 'traceroute -n 10.0.0.1'],
    ['% mtr -r 10.0.0.1', 'mtr -r 10.0.0.1'],
    ['user@host:~$ tracepath 10.0.0.1', 'tracepath 10.0.0.1'],
    ['root@mops:~ # tracepath -6 ::1', 'tracepath -6 ::1'],
    ['[root@node-1 ~]# mtr -r -n 10.0.0.1', 'mtr -r -n 10.0.0.1'],
    ['/ # traceroute 10.244.1.3', 'traceroute 10.244.1.3'],
    ['bash-5.1# traceroute 10.0.0.1', 'traceroute 10.0.0.1'],
    ['(venv) me@box:~/src$ traceroute x', 'traceroute x'],
    ['➜  ~ traceroute x', 'traceroute x'],
    ['❯ traceroute x', 'traceroute x'],
    ['PS C:\\Users\\me> kubectl exec web -- traceroute x', 'kubectl exec web -- traceroute x'],
    ['    $ traceroute x', 'traceroute x'],
  ])('reads the prompt line %j as a command', (line, command) => {
    const [l] = cleanLines(line);
    expect(l?.command?.text).toBe(command);
  });

  it('takes commands pasted without a prompt for commands', () => {
    expect(
      cleanLines('kubectl exec -it web-client -- traceroute -n 10.244.1.3')[0]?.command,
    ).toMatchObject({ tool: 'traceroute', target: '10.244.1.3' });
    expect(cleanLines('LANG=C mtr -r x')[0]?.command?.tool).toBe('mtr');
  });

  it('never takes trace output for a command', () => {
    const output = [
      'traceroute to 10.244.1.3 (10.244.1.3), 30 hops max, 60 byte packets',
      ' 1  10.244.2.1  0.030 ms  0.004 ms  0.003 ms',
      ' 1  fe80::1%eth0  0.030 ms',
      'HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev',
      '  1.|-- 10.244.2.1                 0.0%     2    0.1   0.1   0.1   0.2   0.1',
      '  2.|-- ???                       100.0     2    0.0   0.0   0.0   0.0   0.0',
      ' 1?: [LOCALHOST]                      pmtu 1500',
      '     Resume: pmtu 1500 hops 3 back 3',
      'traceroute: unknown host nowhere',
    ];
    expect(cleanLines(output.join('\n')).filter((l) => l.command)).toEqual([]);
  });
});

describe('parseShellCommand', () => {
  it.each([
    ['traceroute -n 10.244.1.3', 'traceroute', '10.244.1.3'],
    ['/usr/bin/traceroute -q 3 -w 1 10.244.1.3', 'traceroute', '10.244.1.3'],
    ['sudo traceroute -T -p 443 example.test', 'traceroute', 'example.test'],
    ['traceroute -nq3 -m 5 10.0.0.1 1400', 'traceroute', '10.0.0.1'],
    ['traceroute -nq 3 10.0.0.1', 'traceroute', '10.0.0.1'],
    ['traceroute6 2001:db8::1', 'traceroute', '2001:db8::1'],
    ['busybox traceroute -n -w 1 10.0.0.1', 'busybox', '10.0.0.1'],
    ['kubectl exec -it web-client -- busybox traceroute 10.0.0.1', 'busybox', '10.0.0.1'],
    ['inetutils-traceroute --resolve-hostnames -q 3 db', 'inetutils', 'db'],
    ['mtr --report -c 10 -n 10.0.0.1', 'mtr', '10.0.0.1'],
    ['mtr -r --report-cycles 5 -o "LSD NBAW" db.example', 'mtr', 'db.example'],
    ['mtr -rwbc 5 db.example', 'mtr', 'db.example'],
    ['tracepath -n -l 1400 10.0.0.1', 'tracepath', '10.0.0.1'],
    ['tracepath 10.0.0.1/33434', 'tracepath', '10.0.0.1'],
    ['ip netns exec pod1 tracepath -6 ::1', 'tracepath', '::1'],
    ['timeout 30 traceroute -n 10.0.0.1 2>&1 | tee out.txt', 'traceroute', '10.0.0.1'],
  ])('%s', (text, tool, target) => {
    expect(parseShellCommand(text)).toEqual({ text, tool, target });
  });

  it('knows no tool or target where there is none', () => {
    expect(parseShellCommand('kubectl get pods -o wide')).toMatchObject({
      tool: null,
      target: null,
    });
    expect(parseShellCommand('busybox ping 10.0.0.1').tool).toBeNull();
    expect(parseShellCommand('traceroute -n')).toMatchObject({ tool: 'traceroute', target: null });
    expect(parseShellCommand('traceroute | less').target).toBeNull();
  });

  it('splits words with quotes', () => {
    expect(shellWords(`mtr -o "LSD NBAW" 'a b' c`)).toEqual(['mtr', '-o', 'LSD NBAW', 'a b', 'c']);
  });
});
