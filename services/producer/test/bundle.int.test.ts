import path from 'node:path';
import { describeBundleContract } from '@mirrorlab/service-kit/testing';

describeBundleContract('producer', path.join(__dirname, '../dist/main.js'));
