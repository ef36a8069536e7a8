/**
 * What the traceroute parsers hand the rest of the pipeline: the hops a tool printed, read
 * from raw or pasted output. Field names are public (`podpath parse-traceroute` prints them).
 */

/** The tool whose output was read; `traceroute` is the LBL family (Linux, BSD, macOS). */
export type TracerouteTool =
  'busybox' | 'traceroute' | 'inetutils' | 'mtr' | 'tracepath' | 'unknown';

/** One probe of one hop. A silent probe (`*`) has every field null. */
export interface ParsedProbe {
  /**
   * The responder's address. Null for a silent probe, and for a responder the tool printed
   * only by name (mtr and tracepath without `-n`/`-b`), or whose address mtr cut short.
   */
  ip: string | null;
  /** The name the tool printed; null when it printed none or printed the address again. */
  host: string | null;
  /** Round trip in milliseconds; for mtr the hop's average, null for extra responders. */
  rttMs: number | null;
  /** `!H`, `!N`, `!X`, `!<5>`, `!F-1280`, ... exactly as printed after the probe. */
  annotation: string | null;
}

/** The statistics columns of one `mtr --report` hop, named after mtr's column titles. */
export interface MtrHopStats {
  lossPercent?: number;
  dropped?: number;
  received?: number;
  sent?: number;
  lastMs?: number;
  avgMs?: number;
  bestMs?: number;
  worstMs?: number;
  stdevMs?: number;
  geomeanMs?: number;
  jitterMs?: number;
  jitterAvgMs?: number;
  jitterMaxMs?: number;
  interarrivalJitterMs?: number;
}

export interface ParsedHop {
  ttl: number;
  /** In printed order; several responders on one hop each keep their own ip and host. */
  probes: ParsedProbe[];
  /** mtr only: the hop's statistics columns. */
  stats?: MtrHopStats;
}

export interface ParsedTrace {
  tool: TracerouteTool;
  /** The address traced: the IP when the output (or the command line) shows it, else the name. */
  target: string | null;
  /** The name the target was given by, when it was not an address. */
  targetHost: string | null;
  maxHops: number | null;
  hops: ParsedHop[];
  /** Things the reader should know: lines not understood, cut names, a second trace ignored. */
  warnings: string[];
  /** The command line found before the trace in a paste (`traceroute -n 10.244.1.3`). */
  command: string | null;
  /** 1-based lines of the input the trace was read from; null when none was found. */
  lines: { first: number; last: number } | null;
}

export interface ParseOptions {
  /**
   * The text is output still arriving (a probe streaming it): a last line without its newline
   * may be cut in the middle of an address or a time, so it is held back until it ends; so is
   * the last hop of tracepath and mtr, which later lines may add probes to. Every hop returned
   * is then as it will be in the whole output.
   */
  partial?: boolean;
}
