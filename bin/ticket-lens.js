#!/usr/bin/env node
// The `ticket-lens` command: the bundled CLI (npm run build makes it).
require('../dist/cli.js');
