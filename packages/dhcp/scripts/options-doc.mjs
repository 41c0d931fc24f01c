#!/usr/bin/env node
// Regenerates docs/options.md from the registry tables (run after a build):
//   pnpm --filter @pxekit/dhcp build && node packages/dhcp/scripts/options-doc.mjs > docs/options.md
import { DHCP_OPTIONS, IPXE_SUBOPTIONS, PXE_SUBOPTIONS, RELAY_AGENT_SUBOPTIONS } from '../dist/index.js';

const table = (rows) =>
  [
    '| code | name | value format | defined in |',
    '|---:|---|---|---|',
    ...rows.map((d) => `| ${d.code} | \`${d.name}\` | \`${d.codec.type}\` | ${d.rfc} |`),
  ].join('\n');

console.log(`# DHCP options

Generated from the registry of \`@pxekit/dhcp\` (\`DHCP_OPTIONS\` and the sub-option spaces) by
\`packages/dhcp/scripts/options-doc.mjs\`; do not edit by hand. Options not listed are kept as raw bytes
and re-encoded unchanged. Read a value with \`getOption(message, name)\`, build one with
\`option(name, value)\`.

Value formats: \`ipv4\` dotted quad; \`ipv4[]\` list (at least one); \`ipv4-pair[]\` list of pairs; \`u8\`,
\`u16\`, \`u32\` unsigned, \`i32\` signed (big-endian); \`bool\` one byte 0/1; \`u8[]\`, \`u16[]\` lists;
\`text\` bytes as latin1 text (every byte kept); \`bytes\` raw \`Uint8Array\`; \`empty\` flag (\`true\`);
\`client-id\` \`{ type, data }\` or RFC 4361 \`{ type: 255, iaid, duid }\`; \`user-class\` \`{ classes }\` (RFC 3004)
or \`{ raw }\`; \`fqdn\` \`{ flags, rcode1, rcode2, name }\`; \`domain-search\` names, compressed on encode;
\`classless-routes\` \`{ destination, prefixLength, router }[]\`; \`sub-options\` / \`tlv[]\`
\`{ code, data }[]\` (DHCP framing with pad/end, or plain TLV); \`vendor-blocks\` \`{ enterprise, data }[]\`;
\`ndi\` \`{ type, major, minor }\`; \`machine-id\` \`{ type, id }\`.

## DHCP options (${DHCP_OPTIONS.length})

${table(DHCP_OPTIONS)}

## PXE vendor sub-options (option 43 when option 60 starts with "PXEClient")

${table(PXE_SUBOPTIONS)}

## Relay agent information sub-options (option 82)

${table(RELAY_AGENT_SUBOPTIONS)}

## iPXE encapsulated options (option 175)

${table(IPXE_SUBOPTIONS)}`);
