import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { precompress } from './precompress';

// `npm run dev` proxies the API to a BFF on :8000 (make run); the built console is served by the BFF itself.
const bff = process.env.DOUFLOW_BFF_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react(), precompress('assets')],
  server: { proxy: { '/api': bff, '/m': bff } },
  build: { outDir: 'dist', assetsDir: 'assets', sourcemap: false, chunkSizeWarningLimit: 1500 },
  test: {
    environment: 'jsdom',
    setupFiles: ['src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // antd's components are heavy under jsdom on a busy two-CPU machine.
    testTimeout: 30_000,
  },
});
