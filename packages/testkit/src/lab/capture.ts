import { join } from 'node:path';
import { LabError, LabErrorCode } from './errors.js';
import { type Daemon, runOk } from './exec.js';
import type { Lab } from './netlab.js';
import { makeTempDir } from './tmp.js';

/** Debian packages the capture helpers need. */
export const CAPTURE_PACKAGES: readonly string[] = ['tshark'];

export interface Capture {
  /** Where the pcap is written (inside a temp dir removed at process exit unless `keep`). */
  readonly path: string;
  readonly daemon: Daemon;
  /** Stops tshark (SIGINT, so it finishes the file) and returns the pcap's path. */
  stop(): Promise<string>;
}

export interface CaptureOptions {
  /** Capture filter (BPF). Default 'udp': TFTP data uses ephemeral ports, so 'port 69' misses it. */
  filter?: string;
  /** Interface in the switch namespace. Default 'br0' (sees every frame of the segment). */
  iface?: string;
  /** Directory for the pcap. Default: a temp dir removed when the test process exits. */
  dir?: string;
}

/**
 * Starts tshark on the lab's bridge. Resolves once tshark is capturing.
 *
 * @example
 * const cap = await startCapture(lab);
 * ... traffic ...
 * const pcap = await cap.stop();
 * expect(await malformedFrames(pcap)).toEqual([]);
 */
export async function startCapture(lab: Lab, options: CaptureOptions = {}): Promise<Capture> {
  const path = join(options.dir ?? makeTempDir('pcap').path, `${lab.name}-${Date.now()}.pcapng`);
  const daemon = lab.spawn(
    'switch',
    'tshark',
    ['-n', '-i', options.iface ?? 'br0', '-f', options.filter ?? 'udp', '-w', path],
    {
      name: 'tshark',
      stopSignal: 'SIGINT',
      killTimeoutMs: 5000,
    },
  );
  await daemon.waitForOutput(/Capturing on/, 20_000);
  // dumpcap announces itself a moment before its socket sees frames: without this pause the first
  // frame of a test (measured: an RRQ sent right after) can be missing from the file.
  await new Promise((r) => setTimeout(r, 1000));
  return {
    path,
    daemon,
    async stop() {
      if (!daemon.exitStatus) {
        // Let frames in flight reach dumpcap, then SIGINT tshark alone: it asks dumpcap to drain and close
        // the file. (SIGINT to the whole group makes dumpcap drop what it had not written yet.)
        await new Promise((r) => setTimeout(r, 300));
        daemon.signal('SIGINT');
        await Promise.race([daemon.exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
      await daemon.stop();
      return path;
    },
  };
}

/** One frame tshark flagged. */
export interface FlaggedFrame {
  frame: number;
  protocols: string;
  info: string;
}

/** Display filter for frames with a malformed-packet expert item. */
export const MALFORMED_FILTER = '_ws.malformed';
/** Display filter for expert items of severity warning or error. */
export const EXPERT_WARNING_FILTER = '_ws.expert.severity >= 0x00600000';

/** Frames of `pcap` matching a tshark display filter. */
export async function framesMatching(pcap: string, displayFilter: string): Promise<FlaggedFrame[]> {
  const r = await runOk(
    'tshark',
    [
      '-n',
      '-r',
      pcap,
      '-Y',
      displayFilter,
      '-T',
      'fields',
      '-E',
      'separator=\t',
      '-e',
      'frame.number',
      '-e',
      'frame.protocols',
      '-e',
      '_ws.col.Info',
    ],
    { timeoutMs: 120_000 },
  ).catch((err: unknown) => {
    throw new LabError(LabErrorCode.COMMAND, `tshark could not read ${pcap}`, { cause: err });
  });
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [frame, protocols, info] = l.split('\t');
      return { frame: Number(frame), protocols: protocols ?? '', info: info ?? '' };
    });
}

/** Frames tshark's dissectors call malformed. */
export function malformedFrames(pcap: string): Promise<FlaggedFrame[]> {
  return framesMatching(pcap, MALFORMED_FILTER);
}

/** Frames with an expert item of severity warning or error (malformed frames included). */
export function expertWarnings(pcap: string): Promise<FlaggedFrame[]> {
  return framesMatching(pcap, EXPERT_WARNING_FILTER);
}

/** Number of frames in `pcap` matching a display filter (e.g. 'dhcp', 'tftp.opcode == 3'). */
export async function countFrames(pcap: string, displayFilter: string): Promise<number> {
  return (await framesMatching(pcap, displayFilter)).length;
}

/**
 * Selected fields of every frame matching a display filter, one array per frame (tshark `-T fields`).
 *
 * @example
 * const rows = await tsharkFields(pcap, 'dhcp.option.dhcp == 5', ['dhcp.hw.mac_addr', 'dhcp.ip.server']);
 */
export async function tsharkFields(
  pcap: string,
  displayFilter: string,
  fields: readonly string[],
): Promise<string[][]> {
  const r = await runOk(
    'tshark',
    [
      '-n',
      '-r',
      pcap,
      '-Y',
      displayFilter,
      '-T',
      'fields',
      '-E',
      'separator=\t',
      ...fields.flatMap((f) => ['-e', f]),
    ],
    { timeoutMs: 120_000 },
  );
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'));
}
