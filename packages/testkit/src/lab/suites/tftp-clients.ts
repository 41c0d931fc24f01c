import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Capture,
  CAPTURE_PACKAGES,
  expertWarnings,
  malformedFrames,
  startCapture,
  tsharkFields,
} from '../capture.js';
import type { RunResult } from '../exec.js';
import { createLab, type Lab } from '../netlab.js';
import { labStatus, labTitle } from '../status.js';
import { makeTempDir, type TempDir } from '../tmp.js';
import type { ServerUnderTest } from './types.js';

export interface TftpClientsSuiteOptions {
  title: string;
  /** Debian packages the server needs (installed with the clients'). */
  packages?: readonly string[];
  /** Starts the server under test in `lab.server`, serving `root` read-only on `lab.serverIp`:69. */
  startServer(lab: Lab, root: string): Promise<ServerUnderTest>;
}

/** Debian packages of the TFTP clients suite. */
export const TFTP_CLIENT_PACKAGES: readonly string[] = [
  'tftp-hpa',
  'atftp',
  'curl',
  'busybox-static',
  ...CAPTURE_PACKAGES,
];

/** 0 (empty), exactly one block, one block + 1 byte (the final short block), and a multi-block file. */
const SIZES = [0, 512, 513, 100 * 1024] as const;
const BLKSIZE = 1468; // veth MTU 1500 - IP 20 - UDP 8 - TFTP 4

interface Client {
  name: string;
  /** Fetches `file` from `server` into `local`; returns the command's result. */
  get(lab: Lab, server: string, file: string, local: string, size: number): Promise<RunResult>;
}

const CLIENTS: Client[] = [
  {
    // RFC 1350 only (no options); netascii by default, hence -m binary. Exits 0 even on a TFTP ERROR.
    name: 'tftp-hpa',
    get: (lab, server, file, local) =>
      lab.exec('c1', 'tftp', ['-m', 'binary', server, '-c', 'get', file, local], { timeoutMs: 30_000 }),
  },
  {
    name: 'atftp (blksize, tsize)',
    get: (lab, server, file, local) =>
      lab.exec(
        'c1',
        'atftp',
        ['--option', `blksize ${BLKSIZE}`, '--option', 'tsize 0', '-g', '-r', file, '-l', local, server],
        { timeoutMs: 30_000 },
      ),
  },
  {
    // curl 7.88 rejects an OACK carrying tsize=0, which every 0-byte file gets: no options then.
    name: 'curl',
    get: (lab, server, file, local, size) =>
      lab.exec(
        'c1',
        'curl',
        [
          '-sS',
          '--max-time',
          '20',
          ...(size === 0 ? ['--tftp-no-options'] : ['--tftp-blksize', String(BLKSIZE)]),
          '-o',
          local,
          `tftp://${server}/${file}`,
        ],
        { timeoutMs: 30_000 },
      ),
  },
  {
    name: 'busybox tftp (blksize)',
    get: (lab, server, file, local) =>
      lab.exec('c1', 'busybox', ['tftp', '-g', '-b', String(BLKSIZE), '-r', file, '-l', local, server], {
        timeoutMs: 30_000,
      }),
  },
];

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * The TFTP client interop suite: four real clients (tftp-hpa, atftp with blksize+tsize, curl, busybox
 * with blksize) fetch files of 0, 512, 513 and 100 KiB bytes from the server under test across the lab's
 * veth (client namespace -> bridge -> server namespace) and must get them sha256-identical; a missing
 * file must be an error for each; the capture must show blksize negotiated, no malformed frame, and no
 * expert warning but the four ERROR 1 answers. Run it with tftpd-hpa (test/tftp-reference.lab.test.ts)
 * or with pxekit's server.
 *
 * Declares a vitest `describe`: await it at the top level of a `*.lab.test.ts`.
 *
 * @example
 * await tftpClientsSuite({ title: 'pxekit TFTP vs real clients', startServer: (lab, root) => startMine(lab, root) });
 */
export async function tftpClientsSuite(options: TftpClientsSuiteOptions): Promise<void> {
  const status = await labStatus({
    packages: [...TFTP_CLIENT_PACKAGES, ...(options.packages ?? [])],
    needs: ['root', 'netns'],
  });
  describe.skipIf(!status.ok)(labTitle(options.title, status), () => {
    let lab: Lab;
    let dir: TempDir;
    let capture: Capture;
    let server: ServerUnderTest;
    const hashes = new Map<string, string>();

    beforeAll(async () => {
      lab = await createLab({ name: 'tftp', clients: 1 });
      dir = makeTempDir('tftp');
      const root = dir.join('root');
      mkdirSync(root);
      for (const size of SIZES) {
        const bytes = randomBytes(size);
        writeFileSync(`${root}/f${size}.bin`, bytes);
        hashes.set(`f${size}.bin`, sha256(bytes));
      }
      mkdirSync(dir.join('dl'));
      // The client namespace sees the same filesystem: it writes into our temp dir.
      await lab.exec('c1', 'ip', ['addr', 'add', `${lab.ip(20)}/24`, 'dev', 'eth0']);
      capture = await startCapture(lab, { filter: 'udp' });
      server = await options.startServer(lab, root);
    });

    afterAll(async () => {
      await capture?.stop().catch(() => undefined);
      await lab?.close();
      dir?.remove();
    });

    for (const client of CLIENTS) {
      for (const size of SIZES) {
        it(`${client.name} fetches a ${size}-byte file intact`, async () => {
          const file = `f${size}.bin`;
          const local = dir.join('dl', `${client.name.split(' ')[0]}-${file}`);
          rmSync(local, { force: true });
          const r = await client.get(lab, lab.serverIp, file, local, size);
          const why = `${client.name} exit ${r.code}\n${r.stdout}\n${r.stderr}`;
          expect(r.code, why).toBe(0);
          expect(existsSync(local), why).toBe(true);
          expect(sha256(readFileSync(local)), why).toBe(hashes.get(file));
        });
      }
      it(`${client.name} reports a missing file as an error`, async () => {
        const local = dir.join('dl', `${client.name.split(' ')[0]}-missing`);
        rmSync(local, { force: true });
        const r = await client.get(lab, lab.serverIp, 'no-such-file', local, 1);
        const said = `${r.stdout}\n${r.stderr}`;
        if (client.name === 'tftp-hpa')
          expect(said).toMatch(/Error code 1|not found/i); // exits 0 regardless
        else expect(r.code, said).not.toBe(0);
        const got = existsSync(local) ? readFileSync(local).length : 0;
        expect(got).toBe(0);
      });
    }

    it('the server survived and the capture has no malformed TFTP frame', async () => {
      expect(server.exitStatus).toBeUndefined();
      const pcap = await capture.stop();
      expect(await malformedFrames(pcap)).toEqual([]);
      // The only expert warnings are the server's ERROR 1 answers to the missing-file requests.
      const warnings = await expertWarnings(pcap);
      expect(warnings.map((w) => w.info)).toEqual(
        CLIENTS.map(() => expect.stringMatching(/Error Code.*File not found/)),
      );
      // The blksize clients really negotiated it (OACK with blksize 1468).
      const oacks = await tsharkFields(pcap, 'tftp.opcode == 6', ['tftp.option.name', 'tftp.option.value']);
      expect(oacks.some((row) => row[0]?.includes('blksize') && row[1]?.includes(String(BLKSIZE)))).toBe(
        true,
      );
      const rrqs = await tsharkFields(pcap, 'tftp.opcode == 1', ['tftp.source_file']);
      expect(rrqs.length).toBeGreaterThanOrEqual(CLIENTS.length * (SIZES.length + 1));
    });
  });
}
