import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DHCP_ERROR_CODES } from '../src/errors.js';

it('documents every DhcpError code in the @pxekit/dhcp section of docs/errors.md, and no other', () => {
  const errors = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'errors.md'), 'utf8');
  const start = errors.indexOf('## @pxekit/dhcp');
  const end = errors.indexOf('\n## ', start + 1);
  const section = errors.slice(start, end);
  const documented = new Set([...section.matchAll(/^\| `(DHCP_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]));
  // DHCP_ERR_DEVICE_SOCKET belongs to the Node adapter's own error class.
  documented.delete('DHCP_ERR_DEVICE_SOCKET');
  expect([...documented].sort()).toEqual(Object.values(DHCP_ERROR_CODES).sort());
});
