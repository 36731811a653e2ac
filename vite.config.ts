import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { LANGUAGES } from './src/client/i18n/languages';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { __APP_VERSION__: JSON.stringify(version) },
  build: {
    outDir: 'dist',
    sourcemap: false,
    target: 'es2022',
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Everything Today's first frame needs in one chunk, with what it imports: the bundler
          // would otherwise cut the modules a later chunk also uses into many small ones, each
          // costing a request and its own compression on the first load. Retention (app/retention)
          // starts after the first screen, so it and the summary code it needs stay out, and so
          // does Today's card scanner (features/today/scan/), fetched after the first screen: one
          // chunk with the camera it shares with the enrol screen, so Today names one file to
          // fetch rather than four (the budget counts those names too).
          // Each language's sentences are their own chunks (i18n/define-messages.ts), never in these:
          // a tablet fetches one language. The first screen's two catalogues (the app frame's and
          // Today's) go together, one file per language.
          groups: [
            ...LANGUAGES.map((language) => ({ name: `first-screen-${language}`, test: new RegExp(`src[\\/]client[\\/](ui|features[\\/]today)[\\/]messages[\\/]${language}\\.ts$`) })),
            { name: 'today', test: /src[\\/]client[\\/](main\.tsx|app[\\/](?!retention)|features[\\/]today[\\/](?!register-child|scan[\\/]|messages[\\/]))/ },
            { name: 'scanner', test: /src[\\/]client[\\/](features[\\/]today[\\/]scan[\\/](?!messages[\\/])|ui[\\/]qr-(scanner|reader)\.)/ },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
  plugins: [
    react(),
    VitePWA({
      // Prompt, never auto-update: a volunteer mid-check-in must not have the page reload under them.
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'icons/apple-touch-icon.png'],
      manifest: {
        name: 'Daybook',
        short_name: 'Daybook',
        description: "The children's centre daily log: who is in, activities, shifts and the day's summary.",
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#1f5f8b',
        background_color: '#f7f4ee',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // Long-press the home-screen icon to open a screen directly.
        shortcuts: [
          { name: 'Today', short_name: 'Today', url: '/' },
          { name: 'Sessions', short_name: 'Sessions', url: '/sessions' },
          { name: 'Shifts', short_name: 'Shifts', url: '/shifts' },
          { name: 'Close the day', short_name: 'Close day', url: '/close' },
          { name: 'Summary of the day', short_name: 'Summary', url: '/summary' },
        ],
      },
      workbox: {
        // wasm: the QR reader of tablets without BarcodeDetector (ui/qr-wasm-reader.ts), 0.95 MB,
        // under workbox's 2 MiB limit per file; precached so a tablet that never scanned online can.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,wasm}'],
        // Every screen address loads the shell offline; the API is never answered from a cache.
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
});
