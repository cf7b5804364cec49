// The napi-rs loader (generated `index.js`): picks the binary for this platform.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const native: typeof import('../../index') = require('../../index.js');

export = native;
