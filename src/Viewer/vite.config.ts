import { defineConfig, type Plugin } from 'vite';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// Clinicians on slow rural links: every text asset is also written as .br and .gz at build time, so the hub serves
// the smallest encoding the browser accepts without compressing on each request (ConsultHub Viewer/ViewerHosting.cs).
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'telemed-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const file of walk(join(outDir, 'assets'))) {
        if (!/\.(js|mjs|css|wasm|svg|json|map)$/.test(file) || statSync(file).size < 1024) continue;
        const bytes = readFileSync(file);
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

// The hub that `npm run dev` talks to (start it with `dotnet run --project src/ConsultHub -c Release`).
const hub = process.env.TELEMED_HUB ?? 'http://127.0.0.1:5080';

export default defineConfig({
  plugins: [precompress()],
  resolve: {
    // Cornerstone's bundles reach for Node's `events` and `url`; the npm packages of those names stand in.
    alias: {
      events: 'events',
      url: 'url',
      fs: fileURLToPath(new URL('./src/shims/empty.ts', import.meta.url)),
      path: fileURLToPath(new URL('./src/shims/empty.ts', import.meta.url)),
    },
  },
  worker: { format: 'es' },
  optimizeDeps: {
    // Cornerstone's codecs are WebAssembly loaded by workers: pre-bundling them breaks their URLs.
    exclude: ['@cornerstonejs/dicom-image-loader'],
    include: ['dicom-parser'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
  },
  server: {
    proxy: {
      '/api': hub,
      '/dicomweb': hub,
      '/fhir': hub,
      '/hubs': { target: hub, ws: true },
    },
  },
});
