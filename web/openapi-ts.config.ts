import { defineConfig } from '@hey-api/openapi-ts';

// `make web-client` dumps the BFF's spec (python -m api.gateway_bff.openapi_dump) and runs this.
// OPENAPI_INPUT / OPENAPI_OUTPUT let the freshness check generate beside the committed client.
export default defineConfig({
  input: process.env.OPENAPI_INPUT ?? '.openapi/openapi.json',
  output: {
    path: process.env.OPENAPI_OUTPUT ?? 'src/client',
    postProcess: ['biome:format'],
  },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk', '@tanstack/react-query'],
});
