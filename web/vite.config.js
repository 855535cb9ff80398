// Two pages: the staff app at "/" (index.html) and the patient portal at
// "/book" (book.html). The C server maps those URLs to these files.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: resolve(import.meta.dirname, '../build/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    rollupOptions: {
      input: {
        staff: resolve(import.meta.dirname, 'index.html'),
        book: resolve(import.meta.dirname, 'book.html'),
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
