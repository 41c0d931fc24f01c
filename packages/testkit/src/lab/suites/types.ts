import type { DaemonExit } from '../exec.js';

/**
 * What a suite needs of the server under test: whether it is still running (a server must survive every
 * client). A {@link Daemon} from `lab.spawn()` is one.
 */
export interface ServerUnderTest {
  readonly exitStatus: DaemonExit | undefined;
}
