#!/usr/bin/env node
'use strict';
// Entry point of the `flint` command; the compiled code lives in dist/.
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', 'dist', 'cmd', 'flint.js');
if (!fs.existsSync(main)) {
  process.stderr.write('flint: not built yet; run `npm start` or `npm run build` in the checkout first\n');
  process.exit(2);
}
require(main).main(process.argv.slice(2));
