/**
 * Container output as `kubectl logs` reads it: the whole log of the current container instance,
 * and a follow stream that ends when the instance terminates.
 */
import { StringDecoder } from 'node:string_decoder';

export interface LogSource {
  /** Whole log so far; undefined when the container never started. */
  read(namespace: string, pod: string, container: string): string | undefined;
  /**
   * Delivers output produced after the call (read() gives what came before), then onEnd when
   * the container terminates; onEnd comes at once when it already has. Returns unsubscribe.
   */
  follow(
    namespace: string,
    pod: string,
    container: string,
    onChunk: (text: string) => void,
    onEnd: () => void,
  ): () => void;
}

interface Follower {
  onChunk: (text: string) => void;
  onEnd: () => void;
}

interface LogEntry {
  text: string;
  ended: boolean;
  decoders: { stdout: StringDecoder; stderr: StringDecoder };
  followers: Set<Follower>;
}

const keyOf = (namespace: string, pod: string, container: string) =>
  `${namespace}/${pod}/${container}`;

/** The kubelet's side of the logs: it starts, appends to and ends container logs. */
export class LogStore implements LogSource {
  private readonly entries = new Map<string, LogEntry>();
  /** Follows waiting for a container that has not started yet. */
  private readonly waiting = new Map<string, Set<Follower>>();

  /** A new container instance: its log starts empty (a restart replaces the previous one). */
  start(namespace: string, pod: string, container: string): void {
    const key = keyOf(namespace, pod, container);
    const previous = this.entries.get(key);
    if (previous && !previous.ended) this.endEntry(previous);
    const entry: LogEntry = {
      text: '',
      ended: false,
      decoders: { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') },
      followers: this.waiting.get(key) ?? new Set(),
    };
    this.waiting.delete(key);
    this.entries.set(key, entry);
  }

  append(
    namespace: string,
    pod: string,
    container: string,
    chunk: Buffer | string,
    stream: 'stdout' | 'stderr' = 'stdout',
  ): void {
    const entry = this.entries.get(keyOf(namespace, pod, container));
    if (!entry || entry.ended) return;
    const text = typeof chunk === 'string' ? chunk : entry.decoders[stream].write(chunk);
    if (!text) return;
    entry.text += text;
    for (const f of [...entry.followers]) f.onChunk(text);
  }

  end(namespace: string, pod: string, container: string): void {
    const entry = this.entries.get(keyOf(namespace, pod, container));
    if (entry && !entry.ended) this.endEntry(entry);
  }

  /** Forgets every log of a deleted pod, ending any follow still open. */
  dropPod(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      if (!entry.ended) this.endEntry(entry);
      this.entries.delete(key);
    }
    for (const [key, followers] of this.waiting) {
      if (!key.startsWith(prefix)) continue;
      for (const f of followers) f.onEnd();
      this.waiting.delete(key);
    }
  }

  read(namespace: string, pod: string, container: string): string | undefined {
    return this.entries.get(keyOf(namespace, pod, container))?.text;
  }

  follow(
    namespace: string,
    pod: string,
    container: string,
    onChunk: (text: string) => void,
    onEnd: () => void,
  ): () => void {
    const key = keyOf(namespace, pod, container);
    const follower: Follower = { onChunk, onEnd };
    const entry = this.entries.get(key);
    if (entry?.ended) {
      onEnd();
      return () => {};
    }
    let set: Set<Follower>;
    if (entry) {
      set = entry.followers;
    } else {
      set = this.waiting.get(key) ?? new Set();
      this.waiting.set(key, set);
    }
    set.add(follower);
    return () => {
      set.delete(follower);
    };
  }

  private endEntry(entry: LogEntry): void {
    const tail = entry.decoders.stdout.end() + entry.decoders.stderr.end();
    if (tail) {
      entry.text += tail;
      for (const f of [...entry.followers]) f.onChunk(tail);
    }
    entry.ended = true;
    const followers = [...entry.followers];
    entry.followers.clear();
    for (const f of followers) f.onEnd();
  }
}
