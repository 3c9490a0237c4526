// Webpack configuration of the plugin's frontend, following @grafana/create-plugin's
// conventions: one AMD module (dist/module.js) that Grafana loads with SystemJS, with React,
// rxjs and the @grafana packages left to the copies Grafana provides at run time.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pluginId = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8')).id;

/** What Grafana shares with plugins (as create-plugin lists it). */
export const PROVIDED_BY_GRAFANA = [
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'i18next',
  'react-router',
  'react-router-dom',
  'd3',
  'angular',
  '@grafana/ui',
  '@grafana/runtime',
  '@grafana/data',
];

/** Subpaths of the @grafana packages, and React's JSX runtime. */
export const GRAFANA_SUBPATH = /^(@grafana\/(ui|runtime|data)(\/|$)|react\/jsx-(dev-)?runtime$)/;

/** @param {{ production: boolean }} options */
export function webpackConfig({ production }) {
  return {
    mode: production ? 'production' : 'development',
    context: join(root, 'src'),
    entry: { module: './module.ts' },
    devtool: production ? 'source-map' : 'eval-source-map',
    target: 'web',
    externals: [
      ...PROVIDED_BY_GRAFANA,
      // Grafana's public path, which the plugin reads at run time.
      { 'amd-module': 'module' },
      ({ request }, callback) => {
        // Subpaths of the @grafana packages, and React's JSX runtime (Grafana 12.3 and later
        // provide it; hence grafanaDependency >=12.3.0 in plugin.json).
        if (request && GRAFANA_SUBPATH.test(request)) {
          return callback(undefined, request);
        }
        callback();
      },
    ],
    module: {
      rules: [
        {
          test: /\.[tj]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                baseUrl: join(root, 'src'),
                target: 'es2018',
                loose: false,
                parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
                transform: { react: { runtime: 'automatic' } },
              },
            },
          },
        },
      ],
    },
    output: {
      clean: false,
      filename: '[name].js',
      chunkFilename: '[name].js?_cache=[contenthash]',
      library: { type: 'amd' },
      path: join(root, 'dist'),
      publicPath: `public/plugins/${pluginId}/`,
      uniqueName: pluginId,
    },
    resolve: { extensions: ['.ts', '.tsx', '.js', '.jsx'], modules: [join(root, 'src'), 'node_modules'] },
    performance: { hints: false },
    stats: 'errors-warnings',
  };
}
