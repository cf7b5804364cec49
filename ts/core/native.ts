// The napi-rs loader (generated `index.js`): picks the binary for this platform, first a `.node` file next to it (a
// build from source), then the platform package (`clerk-remix-native-<platform>`, an optionalDependency of the
// published package). When neither loads, the error says what this machine is and what to install
// (docs/platforms.md).

type Native = typeof import('../../index');

/** The platform package napi-rs names for this machine, as in package.json's napi.targets. */
function platformPackageSuffix(
  platform: string = process.platform,
  arch: string = process.arch,
  libc: 'glibc' | 'musl' | null = detectLibc(),
): string | null {
  if (platform === 'linux' && (arch === 'x64' || arch === 'arm64')) return `linux-${arch}-${libc === 'musl' ? 'musl' : 'gnu'}`;
  if (platform === 'darwin' && (arch === 'x64' || arch === 'arm64')) return `darwin-${arch}`;
  if (platform === 'win32' && arch === 'x64') return 'win32-x64-msvc';
  return null;
}

function detectLibc(): 'glibc' | 'musl' | null {
  if (process.platform !== 'linux') return null;
  try {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string }; sharedObjects?: string[] } | undefined;
    if (report?.header?.glibcVersionRuntime) return 'glibc';
    if (report?.sharedObjects?.some((f) => f.includes('libc.musl-') || f.includes('ld-musl-'))) return 'musl';
  } catch {
    // no report: fall through
  }
  return 'glibc';
}

function causes(error: unknown): string[] {
  const out: string[] = [];
  for (let e = error as { message?: unknown; cause?: unknown } | undefined, i = 0; e && i < 8; e = e.cause as typeof e, i++) {
    if (typeof e.message === 'string') out.push(e.message.split('\n')[0]);
  }
  // napi-rs's own summary and its WebAssembly fallbacks (none is published) say nothing useful here; the rest is
  // what was tried, oldest first: the local `.node` file, then the platform package.
  return out.filter((m) => !/wasi|^Cannot find native binding/.test(m)).reverse();
}

/** The message for a failed load: this machine, the package to install, building from source. */
function missingBinaryMessage(error: unknown, name: string, version: string): string {
  const libc = detectLibc();
  const suffix = platformPackageSuffix(process.platform, process.arch, libc);
  const machine = `${process.platform} ${process.arch}${libc ? ` (${libc})` : ''}, Node ${process.version}`;
  const lines = [`${name}: could not load its native binary for ${machine}.`];
  if (suffix) {
    lines.push(
      `The binary for this platform is in the package ${name}-${suffix}, which npm installs with ${name} ` +
        `(an optional dependency) unless optional dependencies were left out (--omit=optional, --no-optional) or the ` +
        `lockfile was made on another platform. Install it: npm install ${name}-${suffix}@${version}`,
    );
  } else {
    lines.push(`No prebuilt binary is published for ${process.platform} ${process.arch} (there are: linux x64/arm64 with glibc or musl, macOS x64/arm64, Windows x64).`);
  }
  lines.push(
    `Or build it from source: that needs Rust (rustup, with cargo) and a C compiler; in a checkout of ${name}, ` +
      `\`npm install && npm run build\` puts the binary next to index.js.`,
  );
  const why = causes(error);
  if (why.length) lines.push(`Tried: ${why.join('; ')}`);
  return lines.join('\n');
}

function load(): Native {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../../index.js');
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { name, version } = require('../../package.json') as { name: string; version: string };
    const wrapped = new Error(missingBinaryMessage(error, name, version)) as Error & { code?: string };
    wrapped.cause = error;
    wrapped.code = 'ERR_CLERK_REMIX_NATIVE_BINARY';
    throw wrapped;
  }
}

const native: Native = load();

export = native;
