import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Text assets worth compressing; images and fonts Vite emits are compressed already. */
const COMPRESSIBLE = /\.(js|css|svg|json|txt|map)$/;
/** Below this a compressed copy saves less than its response headers cost. */
const MIN_BYTES = 1024;

/**
 * Writes `.br` and `.gz` beside every compressible built asset, at the highest levels (they are made once
 * per build, never per request), so the BFF can send them as they are to a browser that accepts them.
 */
export function precompress(assetsDir: string): Plugin {
  let outDir = 'dist';
  return {
    name: 'douflow-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const folder = join(outDir, assetsDir);
      for (const name of readdirSync(folder)) {
        if (!COMPRESSIBLE.test(name)) continue;
        const raw = readFileSync(join(folder, name));
        if (raw.length < MIN_BYTES) continue;
        writeFileSync(join(folder, `${name}.gz`), gzipSync(raw, { level: 9 }));
        writeFileSync(
          join(folder, `${name}.br`),
          brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}
