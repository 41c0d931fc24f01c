/** @pxekit/kickstart — Anaconda kickstart parser, validator and writer. */
export const KICKSTART_SECTIONS: readonly string[] = [
  '%packages',
  '%pre',
  '%pre-install',
  '%post',
  '%onerror',
  '%traceback',
  '%addon',
  '%anaconda',
];
