#!/usr/bin/env node
// Launcher for the mirrorlab CLI: registers tsx's CommonJS loader so the TypeScript
// sources run as they are (no build step), then loads the entry point.
'use strict';
require('tsx/cjs/api').register();
require('../src/main.ts');
