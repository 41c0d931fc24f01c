#!/usr/bin/env node
import { PXEKIT_VERSION } from './index.js';

const [command = 'help'] = process.argv.slice(2);

if (command === 'example') {
  process.stdout.write(
    `pxekit ${PXEKIT_VERSION}: the boot server is not built yet (issue 8).\n` +
      'What exists today: the libraries under packages/ and the lab that boots QEMU guests through reference\n' +
      'servers (run `npm test` to see it work).\n',
  );
} else if (command === '--version' || command === 'version') {
  process.stdout.write(`${PXEKIT_VERSION}\n`);
} else {
  process.stdout.write('usage: pxekit <example|version>\n');
  process.exitCode = command === 'help' || command === '--help' ? 0 : 2;
}
