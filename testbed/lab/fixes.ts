/**
 * The articles' fixes as the literal commands an operator runs on the nodes. The lab runs them
 * in the node namespaces; nothing here bypasses the kernel.
 */

export type LabFix =
  /** S2: hairpinMode true in the node's CNI config: the bridge plugin turns on hairpin mode on
   * every pod's bridge port, so a packet DNATed back to the pod it came from may leave the port
   * it arrived on. */
  | { kind: 'hairpin-mode' }
  /** S5: `iptables -t nat -A POSTROUTING -s <podNetwork> ! -d <podNetwork> -o <nodeInterface> -j MASQUERADE` on every node. */
  | { kind: 'masquerade-pod-egress' }
  /** S4: `iptables -t nat -A OUTPUT -d <from> -j DNAT --to-destination <to>` on one node. */
  | { kind: 'output-dnat'; node: string; from: string; to: string };

export interface FixContext {
  podNetwork: string;
  nodeInterface: string;
  /** Nodes with the host-side bridge ports of their pods. */
  nodes: { name: string; podPorts: string[] }[];
}

export interface FixCommand {
  node: string;
  argv: string[];
}

/** The commands that apply a fix, in order. Throws for an unknown node. */
export function fixCommands(fix: LabFix, ctx: FixContext): FixCommand[] {
  switch (fix.kind) {
    case 'hairpin-mode':
      return ctx.nodes.flatMap((node) =>
        node.podPorts.map((port) => ({
          node: node.name,
          argv: ['ip', 'link', 'set', port, 'type', 'bridge_slave', 'hairpin', 'on'],
        })),
      );
    case 'masquerade-pod-egress':
      return ctx.nodes.map((node) => ({
        node: node.name,
        argv: [
          'iptables',
          '-t',
          'nat',
          '-A',
          'POSTROUTING',
          '-s',
          ctx.podNetwork,
          '!',
          '-d',
          ctx.podNetwork,
          '-o',
          ctx.nodeInterface,
          '-j',
          'MASQUERADE',
        ],
      }));
    case 'output-dnat': {
      if (!ctx.nodes.some((n) => n.name === fix.node)) throw new Error(`unknown node ${fix.node}`);
      return [
        {
          node: fix.node,
          argv: [
            'iptables',
            '-t',
            'nat',
            '-A',
            'OUTPUT',
            '-d',
            fix.from,
            '-j',
            'DNAT',
            '--to-destination',
            fix.to,
          ],
        },
      ];
    }
  }
}
