export { assertCodecLaws } from './codec-laws.js';
export type { Codec, CodecLawOptions } from './codec-laws.js';
export { FakeClock } from './fake-clock.js';
