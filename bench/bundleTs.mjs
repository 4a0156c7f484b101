// Compiles TypeScript the way it ships (esbuild, minified, one CommonJS file for Node) and loads it,
// so a bench section measures the code users run. Shared by the bench sections that measure core.
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';

/** Bundles `contents` (TypeScript, imports resolved from `resolveDir`) into `outfile` and requires it. */
export async function bundleTs({ contents, resolveDir, outfile, plugins = [] }) {
  await esbuild.build({
    stdin: { contents, resolveDir, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    outfile,
    logLevel: 'warning',
    plugins,
  });
  return createRequire(import.meta.url)(outfile);
}
